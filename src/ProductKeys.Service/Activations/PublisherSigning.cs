using ProductKeys.Core.Contracts;
using ProductKeys.Core.Signing;
using ProductKeys.Service.Secrets;

namespace ProductKeys.Service.Activations;

/// <summary>
/// The publisher's current signing key (secrets folder, 0600), the public keys devices trust and the signed
/// key lists that announce rotations (<see cref="PublisherKeyRing"/>, ADR 0024). Every node of a deployment
/// shares the same secrets folder.
/// </summary>
public sealed class PublisherSigning(PublisherKeyRing ring, TimeProvider time) : IDisposable
{
    public ArtifactSigner Signer { get; } = new(ring.Current, time);

    /// <summary>Every key whose artifacts verify: the current one and the retired ones not withdrawn.</summary>
    public TrustedKeySet PublicKeys => ring.Trusted;

    private readonly HashSet<string> _entries = [.. ring.FingerprintEntries];

    /// <summary>
    /// Whether this node holds every signing key ID and withdrawal in <paramref name="recordedEntries"/> (the database's
    /// list; key-group secret versions aside). False on a node still running with the folder from before another node
    /// rotated or withdrew a key: it would sign with a key the others retired, perhaps one withdrawn for a leak.
    /// </summary>
    public bool HoldsEverySigningEntry(string? recordedEntries)
    {
        var lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
        var rest = (recordedEntries ?? "").AsSpan();
        foreach (var range in rest.Split(','))
        {
            var entry = rest[range];
            if (entry.Length > 0 && !entry.StartsWith(KeySecrets.VersionEntryPrefix, StringComparison.Ordinal) && !lookup.Contains(entry))
            {
                return false;
            }
        }

        return true;
    }

    public PublisherKeysResponse Describe() =>
        new([.. PublicKeys.Keys.Select(k => new PublisherKey(k.KeyId, k.ToPem()))], ring.KeyLists);

    public void Dispose() => ring.Dispose();
}
