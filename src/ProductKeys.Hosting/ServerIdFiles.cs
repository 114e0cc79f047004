using ProductKeys.Core.Errors;

namespace ProductKeys.Hosting;

/// <summary>
/// A data folder holds one on-premises server: a KMS host (its ID in <c>host-id</c>) or a CAL server (<c>server-id</c>). Both keep
/// their key and the publisher keys under the same names (<c>signing-key.pem</c>, <c>publisher-keys.pem</c>), so a server whose ID
/// were made in the other's folder would sign with the other's key, and its activation would spend a key's activation on it.
/// </summary>
public static class ServerIdFiles
{
    /// <summary>A KMS host's ID file.</summary>
    public const string KmsHost = "host-id";

    /// <summary>A CAL server's ID file.</summary>
    public const string CalServer = "server-id";

    /// <summary>
    /// <c>STORE_INVALID</c> when <paramref name="folder"/> has no <paramref name="own"/> ID file yet but holds the other server's,
    /// else <c>null</c>. Checked before a server makes its key or ID; a folder that already has both is left as it works.
    /// </summary>
    /// <param name="folder">The data folder.</param>
    /// <param name="own">The ID file of the server about to use it: <see cref="KmsHost"/> or <see cref="CalServer"/>.</param>
    public static Refusal? HeldByTheOther(string folder, string own)
    {
        var (other, what, command) = own == KmsHost ? (CalServer, "a CAL server", "pk cal-server") : (KmsHost, "a KMS host", "pk kms-host");
        return !File.Exists(Path.Combine(folder, own)) && File.Exists(Path.Combine(folder, other))
            ? new Refusal(ErrorCatalogue.StoreInvalid,
                $"{folder} holds {what} ({other}): give this server a data folder of its own (--data), and that one's folder only to '{command}'. Nothing was made here.")
            : null;
    }
}
