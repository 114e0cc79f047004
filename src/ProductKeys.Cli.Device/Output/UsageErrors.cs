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
    /// <summary>The refusal for a parse that failed, or <c>null</c> when it did not (or nothing was typed: then the help is the answer).</summary>
    public static Refusal? Of(ParseResult parseResult, IReadOnlyList<string> args)
    {
        // Nothing typed: the help is the answer.
        return args.Count == 0 ? null : UsageRefusal.Of(parseResult);
    }

    /// <summary>Whether the user asked for JSON, even on a command line that did not parse.</summary>
    public static bool WantsJson(IReadOnlyList<string> args) => args.Contains("--json", StringComparer.Ordinal);
}
