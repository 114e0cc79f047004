namespace ProductKeys.Core.Files;

/// <summary>The Unix permission bits pk checks on files that hold secrets (keys, tokens, the database).</summary>
public static class FileModes
{
    /// <summary>Every permission of the group and of others: a secret's file has none of them (0600 or stricter).</summary>
    public const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
}
