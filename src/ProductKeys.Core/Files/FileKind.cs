using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

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

/// <summary>A file opened for reading, with what the open descriptor is: its type, its owner and its permission bits (<c>null</c> when not told).</summary>
internal sealed record OpenedFile(SafeFileHandle Handle, FileKind Kind, uint? Owner, UnixFileMode? Mode);

/// <summary>
/// <see cref="FileKind"/> of a path: statx(2) on Linux, whose buffer is laid out the same on every architecture; elsewhere only
/// what .NET tells (a link, a folder, an existing entry), as .NET has no API for a file's type.
/// </summary>
internal static partial class FileKinds
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxMode = 0x2;
    private const uint StatxUid = 0x8;
    private const int PermissionMask = 0xFFF;
    private const int StatxUidOffset = 20;
    private const int StatxModeOffset = 28;
    private const int StatxSize = 256;
    private const int TypeMask = 0xF000;
    private const int Folder = 0x4000;
    private const int Regular = 0x8000;
    private const int Link = 0xA000;
    private const int AtEmptyPath = 0x1000;
    private const int ReadOnly = 0;
    private const int NoControllingTerminal = 0x100; // O_NOCTTY
    private const int NonBlocking = 0x800; // O_NONBLOCK
    private const int CloseOnExec = 0x80000; // O_CLOEXEC
    private const int NotPermitted = 1;
    private const int PermissionDenied = 13;
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

    /// <summary>
    /// <paramref name="path"/> (a link followed) opened for reading in a way that cannot block, and what the open descriptor is: on Linux,
    /// open(2) with O_NONBLOCK (a FIFO without a writer opens at once), O_NOCTTY and O_CLOEXEC, then statx(2) of the descriptor itself,
    /// so a FIFO put in the file's place after a check is still seen, and its owner and mode are those of the file read, not of whatever
    /// the path named a moment before. <c>null</c> where that cannot be done (not Linux, no statx): the caller asks <see cref="Of"/>, then
    /// opens. O_NONBLOCK changes nothing for a regular file's reads.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing by that name.</exception>
    /// <exception cref="UnauthorizedAccessException">This user may not read it.</exception>
    /// <exception cref="IOException">It cannot be opened for another reason.</exception>
    public static unsafe OpenedFile? OpenWithoutBlocking(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        int descriptor;
        try
        {
            descriptor = OpenCall(path, ReadOnly | NonBlocking | NoControllingTerminal | CloseOnExec);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }

        if (descriptor < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            var why = Marshal.GetPInvokeErrorMessage(error);
            throw error switch
            {
                NoSuchEntry or NotAFolder => new FileNotFoundException($"{path} cannot be opened ({why}).", path),
                PermissionDenied or NotPermitted => new UnauthorizedAccessException($"{path} cannot be opened ({why})."),
                _ => new IOException($"{path} cannot be opened ({why})."),
            };
        }

        var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        var buffer = stackalloc byte[StatxSize];
        int result;
        try
        {
            result = StatxCall(descriptor, "", AtEmptyPath, StatxType | StatxMode | StatxUid, buffer);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            handle.Dispose();
            return null;
        }

        if (result != 0)
        {
            return new OpenedFile(handle, FileKind.Unknown, null, null);
        }

        var filled = *(uint*)buffer;
        var mode = *(ushort*)(buffer + StatxModeOffset);
        var kind = (filled & StatxType) == 0 ? FileKind.Unknown : (mode & TypeMask) switch
        {
            Regular => FileKind.Regular,
            Folder => FileKind.Directory,
            0 => FileKind.Unknown,
            _ => FileKind.Other,
        };
        return new OpenedFile(
            handle,
            kind,
            (filled & StatxUid) != 0 ? *(uint*)(buffer + StatxUidOffset) : null,
            (filled & StatxMode) != 0 ? (UnixFileMode)(mode & PermissionMask) : null);
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

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenCall(string path, int flags);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUser();

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int StatxCall(int directory, string path, int flags, uint mask, byte* buffer);
}
