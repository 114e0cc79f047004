namespace ProductKeys.Cli.Output;

/// <summary>
/// A command line pk cannot parse (an unknown command, a bad or missing option) is a refusal like
/// any other: <c>USAGE_INVALID</c>, exit code 2, one JSON error object with --json, never the help
/// text where a script expects JSON. The refusal itself is <see cref="ProductKeys.CommandLine.UsageRefusal"/>'s.
/// </summary>
internal static class UsageErrors
{
    /// <summary>Whether the user asked for JSON, even on a command line that did not parse.</summary>
    public static bool WantsJson(IReadOnlyList<string> args) => args.Contains("--json", StringComparer.Ordinal);
}
