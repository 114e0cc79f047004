using System.Runtime.InteropServices;

namespace ProductKeys.Hosting;

/// <summary>
/// The process's soft RLIMIT_NOFILE as it is now (getrlimit(2)): one system call and no descriptor,
/// so it can be asked on every accept and when descriptors are out. It changes under a running
/// process (prlimit), which /proc/self/limits read at start would miss.
/// </summary>
internal static partial class SoftFileLimit
{
    private const int RlimitNofile = 7; // the same on every Linux architecture .NET runs on

    /// <summary>
    /// The soft limit; null where it is not asked (not Linux, or a 32-bit process, whose <c>rlim_t</c>
    /// differs between C libraries), when unlimited, or when the call fails or cannot be made.
    /// </summary>
    public static long? Now()
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess)
        {
            return null;
        }

        try
        {
            if (GetRlimit(RlimitNofile, out var limit) != 0)
            {
                return null;
            }

            return limit.Soft > long.MaxValue ? null : (long)limit.Soft; // RLIM_INFINITY is all ones
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null; // a C library without getrlimit under that name: the servers run as they did before the check
        }
    }

    [LibraryImport("libc", EntryPoint = "getrlimit")]
    private static partial int GetRlimit(int resource, out Rlimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct Rlimit
    {
        public ulong Soft;
        public ulong Hard;
    }
}
