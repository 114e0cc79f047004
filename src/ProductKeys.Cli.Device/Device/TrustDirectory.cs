using System.Diagnostics;
using ProductKeys.Client.Activation;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;

namespace ProductKeys.Cli.Device;

/// <summary>
/// The machine's trust directory (ADR 0019): publisher keys as <c>*.pem</c> files in
/// <c>/etc/productkeys/trust/</c> (or <c>PK_TRUST_DIR</c>), kept where a license store cannot change
/// them. Used only when the directory and its files are owned by root or the current user and not
/// writable by group or others.
/// </summary>
internal static class TrustDirectory
{
    public static string Path => Environment.GetEnvironmentVariable("PK_TRUST_DIR") is { Length: > 0 } dir
        ? dir
        : OperatingSystem.IsWindows()
            ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "productkeys", "trust")
            : "/etc/productkeys/trust";

    /// <summary>The keys, <c>null</c> when there is no directory or it holds no <c>*.pem</c>, or <c>TRUST_DIR_UNSAFE</c>.</summary>
    public static Outcome<TrustedKeySet?> Read()
    {
        var directory = new DirectoryInfo(Path);
        if (!directory.Exists)
        {
            return (TrustedKeySet?)null;
        }

        var files = directory.GetFiles("*.pem");
        if (files.Length == 0)
        {
            return (TrustedKeySet?)null;
        }

        var pems = new List<string>();
        foreach (var entry in files.Cast<FileSystemInfo>().Prepend(directory))
        {
            if (Unsafe(entry) is { } why)
            {
                return new Refusal(ErrorCatalogue.TrustDirUnsafe, $"{entry.FullName} {why}: the trust directory {directory.FullName} is not used.");
            }
        }

        // Whoever may replace a folder above it may replace the directory itself.
        for (var parent = directory.Parent; parent is not null; parent = parent.Parent)
        {
            if (UnsafeParent(parent) is { } why)
            {
                return new Refusal(ErrorCatalogue.TrustDirUnsafe, $"{parent.FullName} {why}: the trust directory {directory.FullName} is not used.");
            }
        }

        foreach (var file in files)
        {
            var read = DeviceSession.ReadTrust(file);
            if (!read.IsSuccess)
            {
                return read.Refusal;
            }

            pems.AddRange(read.Value);
        }

        var parsed = OnlineActivation.ParseTrust(pems);
        return parsed.IsSuccess ? parsed.Value : parsed.Refusal;
    }

    private static string? Unsafe(FileSystemInfo entry)
    {
        if (OperatingSystem.IsWindows())
        {
            return null; // ACLs: the directory lives under ProgramData, writable by administrators only by default.
        }

        // A link is checked as itself, never as what it points to: a root-owned link to anyone's file
        // would otherwise pass for a root-owned key.
        if (entry.LinkTarget is not null)
        {
            return "is a symbolic link (put the key file itself in the directory)";
        }

        if ((entry.UnixFileMode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            return "is writable by group or others";
        }

        return OwnerIsTrusted(entry.FullName, follow: false);
    }

    /// <summary>
    /// A folder above the directory: owned by root or the user, and not writable by group or others
    /// unless its sticky bit keeps them from renaming what they do not own (/tmp). A link is judged by
    /// the folder it leads to.
    /// </summary>
    private static string? UnsafeParent(DirectoryInfo parent)
    {
        FileSystemInfo target = parent;
        if (parent.LinkTarget is not null)
        {
            target = parent.ResolveLinkTarget(returnFinalTarget: true) ?? parent;
        }

        var mode = target.UnixFileMode;
        if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0 && (mode & UnixFileMode.StickyBit) == 0)
        {
            return "is writable by group or others";
        }

        return OwnerIsTrusted(target.FullName, follow: true);
    }

    private static string? OwnerIsTrusted(string path, bool follow)
    {
        var owner = Owner(path, follow);
        return owner == "root" || owner == Environment.UserName ? null : $"is owned by '{owner ?? "unknown"}', not root or {Environment.UserName}";
    }

    /// <summary>Where stat is: never looked up through PATH, which the user controls.</summary>
    private static readonly string? Stat = new[] { "/usr/bin/stat", "/bin/stat" }.FirstOrDefault(File.Exists);

    /// <summary>The owner's user name (stat; .NET has no API for a file's owner); <c>null</c> when unknown.</summary>
    private static string? Owner(string path, bool follow)
    {
        if (Stat is null)
        {
            return null;
        }

        string[] arguments = OperatingSystem.IsMacOS() ? ["-f", "%Su"] : ["-c", "%U"];
        var start = new ProcessStartInfo(Stat, follow ? [.. arguments, "-L", "--", path] : [.. arguments, "--", path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
