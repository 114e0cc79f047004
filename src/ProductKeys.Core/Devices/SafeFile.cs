using System.Security;

namespace ProductKeys.Core.Devices;

/// <summary>File reads for hardware sources: a missing or unreadable file is <c>null</c>, never an exception.</summary>
internal static class SafeFile
{
    /// <summary>Largest file read; sysfs values are tiny, /proc/cpuinfo of a big server is not.</summary>
    private const long MaxBytes = 4 * 1024 * 1024;

    internal static string? ReadTrimmed(string path) =>
        Guard(() =>
        {
            var info = new FileInfo(path);
            // sysfs and procfs report length 0, so only regular files with a real size are capped.
            if (!info.Exists || info.Length > MaxBytes)
            {
                return null;
            }

            var text = File.ReadAllText(path).Trim();
            return text.Length == 0 ? null : text;
        });

    internal static IReadOnlyList<string> ReadLines(string path) =>
        Guard<IReadOnlyList<string>>(() => File.Exists(path) ? File.ReadAllLines(path) : []) ?? [];

    /// <summary>The names of a directory's entries (files, folders and links), sorted ordinally.</summary>
    internal static IReadOnlyList<string> EntryNames(string directory) =>
        Guard<IReadOnlyList<string>>(() =>
        {
            if (!Directory.Exists(directory))
            {
                return [];
            }

            var names = Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).OfType<string>().ToList();
            names.Sort(StringComparer.Ordinal);
            return names;
        }) ?? [];

    /// <summary>The file name a symbolic link points to, e.g. <c>sda</c> for <c>../../sda</c>.</summary>
    internal static string? LinkTargetName(string path) =>
        Guard(() => new FileInfo(path).LinkTarget is { } target ? Path.GetFileName(target) : null);

    internal static bool Exists(string path) => Guard(() => Path.Exists(path) ? "yes" : null) is not null;

    private static T? Guard<T>(Func<T?> read)
        where T : class
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SecurityException
                                      or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }
}
