using ProductKeys.Core.Errors;

namespace ProductKeys.Core.Files;

/// <summary>
/// A <c>STORE_INVALID</c> for a file or folder that is open to other users or belongs to another (a data folder others may write
/// into, a key file others may read): the file is not damaged, so the catalogue's "restore it from its backup" would send the
/// operator the wrong way. Its hint says to fix the owner or mode the detail names.
/// </summary>
public static class OpenToOthers
{
    /// <summary>The line printed under such a refusal's detail.</summary>
    public const string Hint =
        "The file or folder named above is open to other users or belongs to another: give it to the user pk runs as and make it private "
        + "(the chown or chmod the line above names), then run the command again.";

    /// <summary>STORE_INVALID with <paramref name="detail"/> and <see cref="Hint"/>.</summary>
    public static Refusal Refusal(string detail) => new(ErrorCatalogue.StoreInvalid, detail) { Hint = Hint };
}
