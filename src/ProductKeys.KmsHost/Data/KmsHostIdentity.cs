using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;
using ProductKeys.Hosting;

namespace ProductKeys.KmsHost.Data;

/// <summary>Who this host is: its ID and its own P-256 key, which signs client certificates.</summary>
public sealed class KmsHostIdentity : IDisposable
{
    private KmsHostIdentity(string hostId, SigningKey key)
    {
        HostId = hostId;
        Key = key;
    }

    /// <summary>The host's ID.</summary>
    public string HostId { get; }

    /// <summary>The host's private key.</summary>
    public SigningKey Key { get; }

    /// <summary>Loads the identity from the data folder, creating the key and ID on first use (never in a CAL server's folder).</summary>
    public static Outcome<KmsHostIdentity> LoadOrCreate(KmsHostFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (ServerIdFiles.HeldByTheOther(folder.Path, ServerIdFiles.KmsHost) is { } other)
        {
            return other;
        }

        var key = folder.LoadOrCreateKey();
        if (!key.IsSuccess)
        {
            return key.Refusal;
        }

        var id = folder.LoadOrCreateHostId();
        if (!id.IsSuccess)
        {
            key.Value.Dispose();
            return id.Refusal;
        }

        return new KmsHostIdentity(id.Value, key.Value);
    }

    /// <inheritdoc />
    public void Dispose() => Key.Dispose();
}
