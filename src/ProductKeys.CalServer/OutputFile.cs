using ProductKeys.Core.Errors;

namespace ProductKeys.CalServer;

/// <summary>
/// A file a <c>pk cal-server</c> command is asked to write (<c>--offline-request</c>, <c>--out</c>), checked before anything is
/// made, as <c>pk db backup</c> checks its <c>--out</c>: a mistyped folder is not created, a folder is not a file.
/// </summary>
public static class OutputFile
{
    /// <summary>Why <paramref name="path"/> cannot be written, or <c>null</c>.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="option">The option that named it, for the message.</param>
    public static Refusal? Check(string path, string option)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"{option} {path} is a folder: name the file to write in it.");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return Directory.Exists(folder)
            ? null
            : new Refusal(ErrorCatalogue.ValidationFailed, $"{option}: {folder} does not exist: create it, or write the file elsewhere.");
    }

    /// <summary>A write that failed all the same (permissions, a full disk), as a refusal naming the file.</summary>
    public static Refusal Unwritable(string path, string option, Exception e) =>
        new(ErrorCatalogue.ValidationFailed, $"{option} {path} cannot be written: {e.Message}");
}
