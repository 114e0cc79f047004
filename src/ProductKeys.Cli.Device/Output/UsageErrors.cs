using System.CommandLine;
using ProductKeys.CommandLine;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Output;

/// <summary>
/// A command line pk cannot parse (an unknown command, a bad or missing option) is a refusal like
/// any other: <c>USAGE_INVALID</c>, exit code 2, one JSON error object with --json, never the help
/// text where a script expects JSON.
/// </summary>
internal static class UsageErrors
{
    /// <summary>The refusal for a parse that failed, or <c>null</c> when it did not (nothing typed is parsed as <c>--help</c>: <see cref="CommandRunner"/>).</summary>
    public static Refusal? Of(ParseResult parseResult) => UsageRefusal.Of(parseResult);

    /// <summary>Whether the user asked for JSON, even on a command line that did not parse.</summary>
    public static bool WantsJson(IReadOnlyList<string> args) => args.Contains("--json", StringComparer.Ordinal);
}
