using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;

namespace ProductKeys.Hosting;

/// <summary>
/// The data folder of a server about to be built: it is the content root (its <c>appsettings.json</c> may name the
/// certificate), so it must exist before the addresses and the certificate are checked. Made empty, owner-only when
/// new, and nothing else: a start refused for its TLS settings leaves no key, ID or database behind (as <c>pk server</c>).
/// </summary>
public static class ServingFolder
{
    /// <summary>Makes <paramref name="path"/> if it does not exist.</summary>
    /// <returns><c>STORE_INVALID</c> naming the path when it cannot be a folder (a file, no permission); else <c>null</c>.</returns>
    public static Refusal? Prepare(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            PrivateFolder.Create(path);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, $"{path} cannot be made a data folder ({e.Message.TrimEnd('.')}): give --data a folder this user may write.");
        }
    }
}
