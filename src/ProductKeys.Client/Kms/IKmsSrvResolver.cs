namespace ProductKeys.Client.Kms;

/// <summary>Looks up the SRV records naming KMS hosts (the network seam of discovery).</summary>
public interface IKmsSrvResolver
{
    /// <summary>The SRV records of <paramref name="name"/>; empty when there are none or DNS does not answer.</summary>
    Task<IReadOnlyList<SrvTarget>> ResolveAsync(string name, CancellationToken cancellationToken);
}
