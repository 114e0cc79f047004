using System.Runtime.InteropServices;

namespace ProductKeys.Core.Files;

/// <summary>What a path names, asked of the file system without opening it (a FIFO with no writer blocks an open).</summary>
internal enum FileKind
{
    /// <summary>Nothing by that name.</summary>
    Missing,

    /// <summary>A regular file.</summary>
    Regular,

    /// <summary>A folder.</summary>
    Directory,

    /// <summary>A symbolic link (asked without following it).</summary>
    SymbolicLink,

    /// <summary>A FIFO, a device or a socket.</summary>
    Other,

    /// <summary>Not known (no permission to look, or no way to ask here): opening it says the rest.</summary>
    Unknown,
}

/// <summary>
/// <see cref="FileKind"/> of a path: statx(2) on Linux, whose buffer is laid out the same on every architecture; elsewhere only
/// what .NET tells (a link, a folder, an existing entry), as .NET has no API for a file's type.
/// </summary>
internal static partial class FileKinds
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxUid = 0x8;
    private const int StatxUidOffset = 20;
    private const int StatxModeOffset = 28;
    private const int StatxSize = 256;
    private const int TypeMask = 0xF000;
    private const int Folder = 0x4000;
    private const int Regular = 0x8000;
    private const int Link = 0xA000;
    private const int NoSuchEntry = 2;
    private const int NotAFolder = 20;

    public static FileKind Of(string path, bool followLinks)
    {
        return OperatingSystem.IsLinux() && Statx(path, followLinks) is { } kind ? kind : Managed(path, followLinks);
    }

    /// <summary>The user id owning <paramref name="path"/> (a link followed), or <c>null</c> where it cannot be asked (not Linux, no statx, no such file).</summary>
    public static unsafe uint? Owner(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var buffer = stackalloc byte[StatxSize];
        try
        {
            return StatxCall(AtFdCwd, path, 0, StatxUid, buffer) == 0 && (*(uint*)buffer & StatxUid) != 0 ? *(uint*)(buffer + StatxUidOffset) : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The effective user id of this process, or <c>null</c> where it is not asked (not Linux).</summary>
    public static uint? EffectiveUser()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return GetEffectiveUser();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static FileKind Managed(string path, bool followLinks)
    {
        var entry = new FileInfo(path);
        if (!followLinks && entry.LinkTarget is not null)
        {
            return FileKind.SymbolicLink;
        }

        return System.IO.Directory.Exists(path) ? FileKind.Directory
            : File.Exists(path) ? FileKind.Regular
            : entry.LinkTarget is not null ? FileKind.Unknown // a link to nothing: opening it says why
            : FileKind.Missing;
    }

    private static unsafe FileKind? Statx(string path, bool followLinks)
    {
        var buffer = stackalloc byte[StatxSize];
        int result;
        try
        {
            result = StatxCall(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxType, buffer);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null; // a C library without statx: what .NET tells
        }

        if (result != 0)
        {
            return Marshal.GetLastPInvokeError() switch
            {
                NoSuchEntry or NotAFolder => FileKind.Missing,
                _ => null,
            };
        }

        var mode = *(ushort*)(buffer + StatxModeOffset);
        return (mode & TypeMask) switch
        {
            Regular => FileKind.Regular,
            Folder => FileKind.Directory,
            Link => FileKind.SymbolicLink,
            0 => FileKind.Unknown, // the type was not filled in
            _ => FileKind.Other,
        };
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUser();

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int StatxCall(int directory, string path, int flags, uint mask, byte* buffer);
}
