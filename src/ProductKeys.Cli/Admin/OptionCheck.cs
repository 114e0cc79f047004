using System.CommandLine;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Admin;

/// <summary>
/// Checks of option values the service would refuse, made before anything is sent: the refusal
/// names the option ("--key-group must be 1..1048575; it was 0"), not the JSON body it becomes.
/// </summary>
internal static class OptionCheck
{
    public static Refusal? Range(ParseResult parseResult, Option<int> option, int min, int max) =>
        Within(option.Name, parseResult.GetValue(option), min, max);

    public static Refusal? Range(ParseResult parseResult, Option<int?> option, int min, int max) =>
        parseResult.GetValue(option) is { } value ? Within(option.Name, value, min, max) : null;

    /// <summary>A value from a fixed list, in any case, exactly one of them (not 'Owner,Reader').</summary>
    public static Refusal? OneOf(ParseResult parseResult, Option<string> option, IReadOnlyList<string> names) =>
        parseResult.GetValue(option) is { } value && !names.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase)
            ? Invalid($"{option.Name} must be one of {string.Join(", ", names)}; it was '{value}'.")
            : null;

    public static Refusal? NotBlank(ParseResult parseResult, Option<string> option, string what) =>
        string.IsNullOrWhiteSpace(parseResult.GetValue(option)) ? Invalid($"{option.Name} must not be empty: give {what}.") : null;

    public static Refusal? Rule(bool holds, string message) => holds ? null : Invalid(message);

    /// <summary>The first refusal of several checks, in the order the options appear in --help.</summary>
    public static Refusal? First(params Refusal?[] checks) => checks.FirstOrDefault(c => c is not null);

    private static Refusal? Within(string name, int value, int min, int max) =>
        value < min || value > max ? Invalid($"{name} must be {min}..{max}; it was {value}.") : null;

    private static Refusal Invalid(string message) => new(ErrorCatalogue.ValidationFailed, message);
}
