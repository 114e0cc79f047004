using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using ProductKeys.Core.Errors;

namespace ProductKeys.KmsHost.Serving;

/// <summary>
/// A command line a server cannot parse, in plain words: <c>USAGE_INVALID</c> naming each option that is unknown,
/// missing or given a value it does not take, and what it takes — never System.CommandLine's own text (type names
/// such as <c>System.Nullable`1[System.Int64]</c>).
/// </summary>
public static class CommandLineUsage
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

        var command = parseResult.CommandResult.Command;
        var program = ProgramName(parseResult);
        var sentences = new List<string>();
        foreach (var token in parseResult.UnmatchedTokens)
        {
            sentences.Add(token.StartsWith('-')
                ? $"{program} has no option '{token}'; its options: {string.Join(", ", command.Options.Where(o => !o.Hidden && o is not HelpOption and not VersionOption).Select(o => o.Name))}."
                : $"{program} takes no argument '{token}': every value follows its option, e.g. --data DIR.");
        }

        foreach (var option in command.Options)
        {
            if (OptionSentence(parseResult, option) is { } sentence)
            {
                sentences.Add(sentence);
            }
        }

        if (sentences.Count == 0)
        {
            // Nothing the rules above recognize (a newer System.CommandLine's error): its own words, one line.
            sentences.AddRange(parseResult.Errors.Select(e => e.Message.ReplaceLineEndings(" ")));
        }

        return new Refusal(ErrorCatalogue.UsageInvalid, $"{string.Join(" ", sentences.Distinct(StringComparer.Ordinal))} See '{program} --help'.");
    }

    private static string? OptionSentence(ParseResult parseResult, Option option)
    {
        var result = parseResult.GetResult(option);
        if (result is null || result.IdentifierToken is null)
        {
            return option.Required && !option.HasDefaultValue ? $"{option.Name} is required: {Accepts(option)}" : null;
        }

        var failed = parseResult.Errors.Any(e => e.SymbolResult == result || (e.SymbolResult is ArgumentResult a && a.Parent == result));
        if (!failed)
        {
            return null;
        }

        return result.Tokens.Count == 0
            ? $"{option.Name} needs a value: {Accepts(option)}"
            : $"{option.Name} does not take '{string.Join(" ", result.Tokens.Select(t => t.Value))}': {Accepts(option)}";
    }

    /// <summary>What an option takes, from its fixed choices or its type, then its own description.</summary>
    private static string Accepts(Option option)
    {
        var choices = option.GetCompletions(CompletionContext.Empty).Select(c => c.Label).ToList();
        var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        var takes = choices.Count > 0 && type != typeof(bool) ? $"one of {string.Join(", ", choices)}"
            : type == typeof(int) || type == typeof(long) ? "a whole number"
            : type == typeof(TimeSpan) ? "a duration as [days.]hours:minutes:seconds, e.g. 02:00:00 or 7.00:00:00"
            : type == typeof(FileInfo) ? "a file name"
            : type == typeof(bool) ? "nothing, or true or false"
            : "a value";
        var description = option.Description?.TrimEnd('.');
        return string.IsNullOrEmpty(description) ? $"it takes {takes}." : $"it takes {takes} — {description}.";
    }

    private static string ProgramName(ParseResult parseResult)
    {
        var names = new List<string>();
        for (SymbolResult? result = parseResult.CommandResult; result is CommandResult command; result = command.Parent)
        {
            names.Insert(0, command.Command.Name);
        }

        return string.Join(' ', names);
    }
}
