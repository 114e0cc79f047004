namespace ProductKeys.Cli.Output;

/// <summary>Files that hold secrets (plaintext keys, tokens) are readable by their owner only: 0600, like the credentials file.</summary>
internal static class SecretFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates or truncates <paramref name="path"/> for writing, mode 0600 on Unix.</summary>
    public static FileStream Create(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        var file = new FileStream(path, options);
        if (!OperatingSystem.IsWindows())
        {
            // An existing file keeps its old mode on Create: tighten it before a byte is written.
            File.SetUnixFileMode(file.SafeFileHandle, OwnerOnly);
        }

        return file;
    }
}
