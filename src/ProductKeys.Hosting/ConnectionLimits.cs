using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace ProductKeys.Hosting;

/// <summary>
/// How many connections a listener holds at once (setting <c>Connections:Max</c>, option
/// <c>--max-connections</c>). Unbounded, a flood of idle connections used up the process's file
/// descriptors (LimitNOFILE), and at EMFILE the runtime itself could no longer start a thread and the
/// server died. Bounded below the limit, connections over it are closed at once, and descriptors stay
/// for the database, the runtime and the next client when the flood ends. The budget is per listener,
/// so it is shared out between the <c>--urls</c>: a second, internal URL for health probes keeps
/// answering while the public one is flooded (docs/operations.md, docs/adr/0021-connection-floods.md).
/// </summary>
public static class ConnectionLimits
{
    /// <summary>The configuration key (<c>PK_Connections__Max</c> in the environment).</summary>
    public const string Setting = "Connections:Max";

    /// <summary>The command-line option every server of pk takes for the setting.</summary>
    public const string Option = "--max-connections";

    /// <summary>The option's help text.</summary>
    public const string OptionDescription = "How many connections each --urls address holds at once; more are closed at once "
        + "(default: the file limit less 512, shared between the addresses; also PK_Connections__Max).";

    /// <summary>Descriptors kept back for everything but client connections (the runtime alone holds ~300).</summary>
    public const int Reserve = 512;

    /// <summary>The smallest default per listener, however low the file limit.</summary>
    public const int Minimum = 64;

    /// <summary>The default per listener where the file limit is unknown or unlimited.</summary>
    public const int WithoutKnownLimit = 10_000;

    /// <summary>The limit per listener: <c>Connections:Max</c>, else (soft RLIMIT_NOFILE − <see cref="Reserve"/>) / listeners.</summary>
    /// <param name="configuration">Where <c>Connections:Max</c> is read.</param>
    /// <param name="listeners">How many addresses the server listens on.</param>
    /// <param name="procLimits">The text of /proc/self/limits (tests); read from the process when null.</param>
    /// <exception cref="InvalidOperationException">The setting is not a positive whole number.</exception>
    public static long Resolve(IConfiguration configuration, int listeners, string? procLimits = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
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

    /// <summary>
    /// The connections the whole server may hold whatever <c>Connections:Max</c> says: the soft file limit
    /// less <see cref="Reserve"/> (at least <see cref="Minimum"/>), or null where the limit is unknown.
    /// </summary>
    /// <param name="procLimits">The text of /proc/self/limits (tests); read from the process when null.</param>
    public static long? Ceiling(string? procLimits = null) =>
        FileLimit(procLimits ?? ReadProcLimits()) is { } files ? Math.Max(Minimum, files - Reserve) : null;

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
