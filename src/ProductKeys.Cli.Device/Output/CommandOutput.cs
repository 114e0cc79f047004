using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;

namespace ProductKeys.Cli.Output;

/// <summary>
/// The one way commands print: a human text or, with <c>--json</c>, one JSON object on stdout.
/// Refusals print their stable code and exit with the catalogue's exit code.
/// </summary>
internal static class CommandOutput
{
    private const string Reflection = "Serializes with reflection: pk's admin commands (JIT) only; pk-device prints source-generated shapes (CliJsonContext).";

    /// <summary>The options of the reflection path, for pk's admin commands that read and write other shapes.</summary>
    public static JsonSerializerOptions JsonOptions
    {
        [RequiresUnreferencedCode(Reflection)]
        [RequiresDynamicCode(Reflection)]
        get => ReflectionJson.Options;
    }

    /// <summary>Prints <paramref name="result"/> through its source-generated shape (<see cref="CliJsonContext.Output"/>).</summary>
    public static int Print<T>(ParseResult parseResult, T result, JsonTypeInfo<T> json, Func<T, string> text)
    {
        if (parseResult.GetValue(CommonOptions.Field) is { } field)
        {
            return PrintField(parseResult, JsonSerializer.SerializeToNode(result, json), field);
        }

        // JSON escapes control characters itself; text is escaped here, once for every command.
        Console.Out.WriteLine(parseResult.GetValue(CommonOptions.Json) ? JsonSerializer.Serialize(result, json) : TerminalText.Safe(text(result), keepLineBreaks: true));
        return 0;
    }

    /// <summary>Prints any shape (anonymous types, JSON nodes) the same way, through reflection.</summary>
    [RequiresUnreferencedCode(Reflection)]
    [RequiresDynamicCode(Reflection)]
    public static int Print<T>(ParseResult parseResult, T result, Func<T, string> text)
    {
        if (parseResult.GetValue(CommonOptions.Field) is { } field)
        {
            return PrintField(parseResult, JsonSerializer.SerializeToNode(result, ReflectionJson.Options), field);
        }

        Console.Out.WriteLine(parseResult.GetValue(CommonOptions.Json) ? JsonSerializer.Serialize(result, ReflectionJson.Options) : TerminalText.Safe(text(result), keepLineBreaks: true));
        return 0;
    }

    /// <summary>
    /// As <see cref="Print{T}(ParseResult, T, Func{T, string})"/>, for a command that wrote its file at <paramref name="path"/>: when
    /// that was standard output (<c>-</c>), the text goes to stderr, so that stdout holds the file alone.
    /// </summary>
    [RequiresUnreferencedCode(Reflection)]
    [RequiresDynamicCode(Reflection)]
    public static int PrintWritten<T>(ParseResult parseResult, string path, T result, Func<T, string> text)
    {
        if (!OutputFile.IsStandardOutput(path))
        {
            return Print(parseResult, result, text);
        }

        Console.Error.WriteLine(TerminalText.Safe(text(result), keepLineBreaks: true));
        return 0;
    }

    /// <summary>
    /// <c>VALIDATION_FAILED</c> when <paramref name="option"/> sends the file to standard output (<c>-</c>) and --json or --field
    /// would print there too: two documents on one stream, which no script reads. <c>null</c> otherwise.
    /// </summary>
    public static Refusal? StandardOutputTaken(ParseResult parseResult, string? path, string option) =>
        OutputFile.IsStandardOutput(path) && (parseResult.GetValue(CommonOptions.Json) || parseResult.GetValue(CommonOptions.Field) is not null)
            ? new Refusal(ErrorCatalogue.ValidationFailed, $"{option} - writes the file to standard output, where --json and --field print too: leave them out, or name a file.")
            : null;

    /// <summary>The path a file option names, as the command line gave it: <c>-</c> (standard output) kept, any other made full.</summary>
    public static string PathOf(FileInfo file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return OutputFile.IsStandardOutput(file.ToString()) ? OutputFile.StandardOutput : file.FullName;
    }

    public static int Refuse(ParseResult parseResult, Refusal refusal) => Refuse(parseResult.GetValue(CommonOptions.Json), refusal);

    /// <summary>Refuses with or without the JSON error object (a command line that did not parse has no parse result to ask).</summary>
    public static int Refuse(bool json, Refusal refusal)
    {
        if (json)
        {
            var body = new ErrorOutput(new ErrorOutput.Body(refusal.Code, refusal.Hint, refusal.Detail));
            Console.Out.WriteLine(JsonSerializer.Serialize(body, CliJsonContext.Output.ErrorOutput));
        }

        // A refusal's detail may be a server's or a file's words: one line, nothing a terminal acts on.
        Console.Error.WriteLine($"{refusal.Code}: {TerminalText.Safe(refusal.Detail)}");
        if (refusal.Detail != refusal.Hint)
        {
            Console.Error.WriteLine(refusal.Hint);
        }

        return refusal.Error.ExitCode;
    }

    /// <summary><c>--field NAME [--where NAME=VALUE]…</c>: single values for scripts (FieldSelection).</summary>
    private static int PrintField(ParseResult parseResult, System.Text.Json.Nodes.JsonNode? result, string field)
    {
        var selected = FieldSelection.Select(result, field, parseResult.GetValue(CommonOptions.Where) ?? []);
        if (!selected.IsSuccess)
        {
            return Refuse(parseResult, selected.Refusal);
        }

        Console.Out.WriteLine(TerminalText.Safe(string.Join('\n', selected.Value), keepLineBreaks: true));
        return 0;
    }

    [RequiresUnreferencedCode(Reflection)]
    [RequiresDynamicCode(Reflection)]
    private static class ReflectionJson
    {
        // The same settings as CliJsonContext.Output, so both paths print alike.
        public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            Converters = { new JsonStringEnumConverter() },
        };
    }
}
