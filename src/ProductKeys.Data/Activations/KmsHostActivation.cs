namespace ProductKeys.Data.Activations;

/// <summary>
/// One KMS host activated with a KMS host key. A key serves a limited number of distinct hosts
/// (the key's <c>ActivationLimit</c>, counted in <c>ActivationsUsed</c>); each host may activate a
/// limited number of times (reinstalls), counted here.
/// </summary>
public sealed class KmsHostActivation
{
    public Guid Id { get; set; }

    public Guid KeyId { get; set; }

    public required string HostId { get; set; }

    public DateTimeOffset FirstActivatedAt { get; set; }

    public DateTimeOffset LastActivatedAt { get; set; }

    public int Activations { get; set; }
}
