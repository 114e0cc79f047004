using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace ProductKeys.Service.Hosting;

/// <summary>
/// How many connections Kestrel holds at once (setting <c>Connections:Max</c>). Unbounded, a flood of
/// idle connections used up the process's file descriptors (LimitNOFILE), and at EMFILE the process
/// died. Bounded below the limit, Kestrel closes connections over it at once (logging a warning) and
/// keeps descriptors for the database, the runtime and the next client when the flood ends. Kestrel
/// counts per listener, so the budget is shared out between the <c>--urls</c>: a second, internal
/// URL for health probes keeps answering while the public one is flooded (docs/operations.md).
/// </summary>
internal static class ConnectionLimits
{
    public const string Setting = "Connections:Max";

    /// <summary>Descriptors kept back for everything but client connections (the runtime alone holds ~300).</summary>
    public const int Reserve = 512;

    public const int Minimum = 64;

    public const int WithoutKnownLimit = 10_000;

    /// <summary>The limit per listener: <c>Connections:Max</c>, else (soft RLIMIT_NOFILE − <see cref="Reserve"/>) / listeners.</summary>
    public static long Resolve(IConfiguration configuration, int listeners, string? procLimits = null)
    {
        if (configuration[Setting] is { Length: > 0 } text)
        {
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var set) && set >= 1
                ? set
                : throw new InvalidOperationException($"{Setting} must be a positive whole number of connections; it is '{text}'.");
        }

        return FileLimit(procLimits ?? ReadProcLimits()) is { } files
            ? Math.Max(Minimum, (files - Reserve) / Math.Max(1, listeners))
            : WithoutKnownLimit;
    }

    /// <summary>The soft "Max open files" of /proc/self/limits, or null (not Linux, unlimited, unreadable).</summary>
    internal static long? FileLimit(string? procLimits)
    {
        var line = procLimits?.Split('\n').FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var fields = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields is { Length: > 0 } && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft) ? soft : null;
    }

    private static string? ReadProcLimits()
    {
        try
        {
            return OperatingSystem.IsLinux() ? File.ReadAllText("/proc/self/limits") : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
