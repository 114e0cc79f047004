using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Help;
using System.CommandLine.Parsing;

namespace ProductKeys.CommandLine;

/// <summary>
/// What was wrong with a command line, in plain words that name the option and what it takes
/// ("--quantity takes a whole number; 'ten' is not one"), instead of System.CommandLine's own
/// messages, which name .NET types ("as expected type 'System.Int32'") and escape line breaks.
/// </summary>
internal static class ParseErrorText
{
    public static IReadOnlyList<string> Describe(ParseResult parseResult, string commandPath)
    {
        var lines = new List<string>();
        var afterUnknownOption = false;
        foreach (var token in parseResult.UnmatchedTokens)
        {
            // What follows an unknown option is most likely its value, and a misspelt --password or --token carries a secret
            // (pk login --pasword "$PK_PASSWORD" in a CI log): neither that value nor one written --name=value is repeated.
            if (token.StartsWith('-'))
            {
                lines.Add($"'{token.Split('=', ':')[0]}' is not an option of '{commandPath}'; its options: {string.Join(", ", OptionsOf(parseResult.CommandResult).Where(o => !o.Hidden && o is not HelpOption and not VersionOption).Select(o => o.Name))}.");
                afterUnknownOption = true;
                continue;
            }

            lines.Add(afterUnknownOption
                ? "(The value after it is not repeated here.)"
                : $"'{token}' is not a command or argument of '{commandPath}'.");
            afterUnknownOption = false;
        }

        foreach (var error in parseResult.Errors)
        {
            var problem = error.SymbolResult switch
            {
                // Not on the command line: required, or what its default (an environment variable, --db's $PK_DB) said is wrong.
                OptionResult { IdentifierToken: null } o => o.Option.Required ? Required(o.Option) : error.Message,
                ArgumentResult { Parent: OptionResult { IdentifierToken: null } o } => o.Option.Required ? Required(o.Option) : error.Message,
                OptionResult o => OptionProblem(o.Option, o.Tokens),
                ArgumentResult { Parent: OptionResult o } => OptionProblem(o.Option, o.Tokens),
                ArgumentResult a => ArgumentProblem(a.Argument, a.Tokens),
                _ => null,
            };
            if (problem is not null)
            {
                lines.Add(problem);
            }
        }

        var command = parseResult.CommandResult;
        foreach (var option in OptionsOf(command).Where(o => o.Required && parseResult.GetResult(o) is null))
        {
            lines.Add(Required(option));
        }

        foreach (var argument in command.Command.Arguments.Where(a => !a.HasDefaultValue && a.Arity.MinimumNumberOfValues > 0))
        {
            if (parseResult.GetResult(argument) is not { Tokens.Count: > 0 })
            {
                lines.Add(Missing(argument));
            }
        }

        if (lines.Count == 0 && command.Command.Subcommands.Count > 0 && command.Command.Action is null)
        {
            lines.Add($"'{commandPath}' needs one of its commands: {string.Join(", ", command.Command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}.");
        }

        // Anything this does not recognize still says something rather than nothing.
        return lines.Count > 0 ? [.. lines.Distinct(StringComparer.Ordinal)] : [.. parseResult.Errors.Select(e => e.Message.Replace('\n', ' ').Replace('\t', ' '))];
    }

    private static string Required(Option option) => $"{option.Name} is required: {Described(option.Description)}";

    private static string Missing(Argument argument) => $"{argument.Name} is missing: {Described(argument.Description)}";

    private static string OptionProblem(Option option, IReadOnlyList<Token> tokens)
    {
        var accepts = Accepts(option.ValueType, option.GetCompletions(CompletionContext.Empty));
        return Problem(option.Name, accepts, tokens, option.Description);
    }

    private static string ArgumentProblem(Argument argument, IReadOnlyList<Token> tokens)
    {
        if (tokens.Count == 0)
        {
            return Missing(argument);
        }

        var accepts = Accepts(argument.ValueType, argument.GetCompletions(CompletionContext.Empty));
        return Problem(argument.Name, accepts, tokens, argument.Description);
    }

    private static string Problem(string name, string accepts, IReadOnlyList<Token> tokens, string? description)
    {
        var given = tokens.Select(t => t.Value).ToList();
        if (given.Count == 0)
        {
            return accepts == AnyValue ? $"{name} needs a value. {Described(description)}" : $"{name} needs a value, {accepts}. {Described(description)}";
        }

        return given.Any(string.IsNullOrWhiteSpace)
            ? $"{name} was given an empty value{(accepts == AnyValue ? "" : $"; it takes {accepts}")}. {Described(description)}"
            : $"{name} takes {accepts}; '{string.Join(' ', given)}' is not one. {Described(description)}";
    }

    /// <summary>What a value of this type looks like, for someone who has never read .NET documentation.</summary>
    private static string Accepts(Type type, IEnumerable<CompletionItem> completions)
    {
        var element = type.IsArray ? type.GetElementType()! : type;
        element = Nullable.GetUnderlyingType(element) ?? element;
        if (element == typeof(bool))
        {
            return "true or false";
        }

        var choices = completions.Select(c => c.Label).ToList();
        if (choices.Count > 0)
        {
            return $"one of {string.Join(", ", choices)}";
        }

        return element switch
        {
            _ when element == typeof(int) || element == typeof(long) || element == typeof(short) => "a whole number",
            _ when element == typeof(Guid) => "an id such as 3f2b8c1e-5d4a-4b7e-9c0f-1a2b3c4d5e6f",
            _ when element == typeof(FileInfo) => "a file name",
            _ when element == typeof(DirectoryInfo) => "a folder name",
            _ when element == typeof(FileSystemInfo) => "a file or folder name",
            _ when element == typeof(TimeSpan) => "a duration as [days.]hours:minutes:seconds, e.g. 00:30:00 or 7.00:00:00",
            _ => AnyValue,
        };
    }

    private const string AnyValue = "a value";

    private static string Described(string? description) =>
        string.IsNullOrWhiteSpace(description) ? "see --help" : description.TrimEnd('.') + ".";

    /// <summary>The command's options and the recursive ones of the commands above it.</summary>
    private static IEnumerable<Option> OptionsOf(CommandResult command)
    {
        IEnumerable<Option> options = command.Command.Options;
        for (var parent = command.Parent as CommandResult; parent is not null; parent = parent.Parent as CommandResult)
        {
            options = options.Concat(parent.Command.Options.Where(o => o.Recursive));
        }

        return options;
    }
}
