using System.CommandLine;
using System.CommandLine.Parsing;
using ProductKeys.Core.Errors;

namespace ProductKeys.CommandLine;

/// <summary>
/// A command line that does not parse (an unknown command or option, a missing one, a value an option does not take) is a
/// refusal like any other, the same from every executable: <c>USAGE_INVALID</c> (exit 2), in the plain words of
/// <see cref="ParseErrorText"/>, ending with the help command to run. Never System.CommandLine's own text, which names
/// .NET types (<c>System.Nullable`1[System.Int64]</c>) and escapes line breaks.
/// </summary>
public static class UsageRefusal
{
    /// <summary>The refusal for a parse that failed; <c>null</c> when it did not.</summary>
    /// <param name="parseResult">The parse of the command line.</param>
    public static Refusal? Of(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        if (parseResult.Errors.Count == 0)
        {
            return null;
        }

        var names = new List<string>();
        for (SymbolResult? result = parseResult.CommandResult; result is CommandResult command; result = command.Parent)
        {
            names.Insert(0, command.Command.Name);
        }

        var path = string.Join(' ', names);
        return new Refusal(ErrorCatalogue.UsageInvalid, $"{string.Join(' ', ParseErrorText.Describe(parseResult, path))} See '{path} --help'.");
    }
}
