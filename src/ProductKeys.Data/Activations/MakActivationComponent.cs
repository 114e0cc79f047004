namespace ProductKeys.Data.Activations;

/// <summary>
/// One component hash of an activation's hardware ID. Two hardware IDs can only be the same device
/// if they share a component, so a new request is compared only with the activations of its key
/// that share one of its hashes (an index lookup), never with every activation of the key.
/// </summary>
public sealed class MakActivationComponent
{
    public Guid ActivationId { get; set; }

    public Guid KeyId { get; set; }

    /// <summary>The component hash (64 bits, stored signed).</summary>
    public long Hash { get; set; }
}
