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

    /// <summary>This node's signing key IDs and withdrawals, as the secrets fingerprint records them (Secrets/SecretsFingerprints).</summary>
    public IReadOnlyList<string> FingerprintEntries => ring.FingerprintEntries;

    public PublisherKeysResponse Describe() =>
        new([.. PublicKeys.Keys.Select(k => new PublisherKey(k.KeyId, k.ToPem()))], ring.KeyLists);

    public void Dispose() => ring.Dispose();
}
