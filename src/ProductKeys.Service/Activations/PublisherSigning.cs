using ProductKeys.Core.Contracts;
using ProductKeys.Core.Signing;

namespace ProductKeys.Service.Activations;

/// <summary>
/// The publisher's signing key (secrets folder, 0600) and the public keys devices trust. Every node
/// of a deployment must share the same secrets folder, so it is created only when the service
/// generated its own secrets, never inside an operator-supplied folder.
/// </summary>
public sealed class PublisherSigning(SigningKey key, TimeProvider time) : IDisposable
{
    public ArtifactSigner Signer { get; } = new(key, time);

    public TrustedKeySet PublicKeys { get; } = new(key.PublicKey);

    public static SigningKey LoadKey(string secretsDirectory, bool create)
    {
        var loaded = create
            ? SigningKeyFile.LoadOrCreate(secretsDirectory)
            : SigningKeyFile.Load(Path.Combine(secretsDirectory, SigningKeyFile.PrivateKeyFileName));
        return loaded.IsSuccess
            ? loaded.Value
            : throw new InvalidOperationException($"The publisher signing key cannot be used: {loaded.Refusal}");
    }

    public PublisherKeysResponse Describe() =>
        new([.. PublicKeys.Keys.Select(k => new PublisherKey(k.KeyId, k.ToPem()))]);

    public void Dispose() => key.Dispose();
}
