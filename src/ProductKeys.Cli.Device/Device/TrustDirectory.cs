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

        if ((entry.UnixFileMode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            return "is writable by group or others";
        }

        var owner = Owner(entry.FullName);
        return owner == "root" || owner == Environment.UserName ? null : $"is owned by '{owner ?? "unknown"}', not root or {Environment.UserName}";
    }

    /// <summary>The owner's user name (stat; .NET has no API for a file's owner).</summary>
    private static string? Owner(string path)
    {
        var start = new ProcessStartInfo("stat", OperatingSystem.IsMacOS() ? ["-f", "%Su", path] : ["-c", "%U", path])
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
