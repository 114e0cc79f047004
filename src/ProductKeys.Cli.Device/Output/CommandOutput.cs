using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Output;

/// <summary>
/// The one way commands print: a human text or, with <c>--json</c>, one JSON object on stdout.
/// Refusals print their stable code and exit with the catalogue's exit code.
/// </summary>
internal static class CommandOutput
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    public static int Print<T>(ParseResult parseResult, T result, Func<T, string> text)
    {
        if (parseResult.GetValue(CommonOptions.Json))
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(result, JsonOptions));
        }
        else
        {
            Console.Out.WriteLine(text(result));
        }

        return 0;
    }

    public static int Refuse(ParseResult parseResult, Refusal refusal)
    {
        if (parseResult.GetValue(CommonOptions.Json))
        {
            var body = new { error = new { code = refusal.Code, message = refusal.Error.Message, detail = refusal.Detail } };
            Console.Out.WriteLine(JsonSerializer.Serialize(body, JsonOptions));
        }

        Console.Error.WriteLine($"{refusal.Code}: {refusal.Detail}");
        if (refusal.Detail != refusal.Error.Message)
        {
            Console.Error.WriteLine(refusal.Error.Message);
        }

        return refusal.Error.ExitCode;
    }
}
