namespace ProductKeys.Data.Backup;

/// <summary>
/// A path as the kernel resolves it: absolute, every symbolic link on the way followed, <c>..</c> taken after
/// the link before it (as realpath(3) does), a missing tail kept as written. Two paths that name one directory
/// entry have the same canonical path, however they were spelled.
/// </summary>
public static class CanonicalPath
{
    // Linux gives up after 40 links (ELOOP); so does this.
    private const int MaxLinks = 40;

    public static string Of(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var links = 0;
        return Resolve(Path.IsPathRooted(path) ? path : Path.Combine(Environment.CurrentDirectory, path), ref links);
    }

    private static string Resolve(string absolute, ref int links)
    {
        var root = Path.GetPathRoot(absolute)!;
        var resolved = root;
        foreach (var part in absolute[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                resolved = Path.GetDirectoryName(resolved) ?? root;
                continue;
            }

            var next = Path.Combine(resolved, part);
            var target = LinkTarget(next);
            if (target is not null && ++links <= MaxLinks)
            {
                next = Resolve(Path.IsPathRooted(target) ? target : Path.Combine(resolved, target), ref links);
            }

            resolved = next;
        }

        return resolved;
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not readable as a link: the kernel would refuse the path there; compare it as written.
            return null;
        }
    }
}
