using System.CommandLine;
using System.CommandLine.Parsing;
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
        if (parseResult.Errors.Count == 0 || args.Count == 0)
        {
            return null;
        }

        var names = new List<string>();
        for (var result = parseResult.CommandResult; result.Parent is CommandResult parent; result = parent)
        {
            names.Insert(0, result.Command.Name);
        }

        var program = parseResult.RootCommandResult.Command.Name;
        var help = names.Count == 0 ? $"{program} --help" : $"{program} {string.Join(' ', names)} --help";
        return new Refusal(ErrorCatalogue.UsageInvalid,
            $"{string.Join(' ', ParseErrorText.Describe(parseResult, string.Join(' ', [program, .. names])))} See '{help}'.");
    }

    /// <summary>Whether the user asked for JSON, even on a command line that did not parse.</summary>
    public static bool WantsJson(IReadOnlyList<string> args) => args.Contains("--json", StringComparer.Ordinal);
}
