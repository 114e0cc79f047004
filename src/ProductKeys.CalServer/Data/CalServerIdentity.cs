using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;
using ProductKeys.Hosting;

namespace ProductKeys.CalServer.Data;

/// <summary>Who this CAL server is: its ID and its own P-256 key, which signs device CALs.</summary>
public sealed class CalServerIdentity : IDisposable
{
    private CalServerIdentity(string serverId, SigningKey key)
    {
        ServerId = serverId;
        Key = key;
    }

    /// <summary>The server's ID.</summary>
    public string ServerId { get; }

    /// <summary>The server's private key.</summary>
    public SigningKey Key { get; }

    /// <summary>Loads the identity from the data folder, creating the key and ID on first use only (never in a folder that already serves, nor in a KMS host's).</summary>
    public static Outcome<CalServerIdentity> LoadOrCreate(CalServerFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if ((folder.MissingIdentityFile() ?? ServerIdFiles.HeldByTheOther(folder.Path, ServerIdFiles.CalServer)) is { } missing)
        {
            return missing;
        }

        var key = folder.LoadOrCreateKey();
        if (!key.IsSuccess)
        {
            return key.Refusal;
        }

        var id = folder.LoadOrCreateServerId();
        if (!id.IsSuccess)
        {
            key.Value.Dispose();
            return id.Refusal;
        }

        return new CalServerIdentity(id.Value, key.Value);
    }

    /// <inheritdoc />
    public void Dispose() => Key.Dispose();
}
