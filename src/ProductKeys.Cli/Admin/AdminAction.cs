using System.CommandLine;
using System.Text.Json.Nodes;
using ProductKeys.Cli.Output;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Admin;

/// <summary>Runs an admin command with a connected client; refusals print their code and set the exit code.</summary>
internal static class AdminAction
{
    public static void Set(Command command, Func<ParseResult, ServiceClient, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parseResult, ct) =>
        {
            var connected = AdminOptions.Connect(parseResult);
            if (!connected.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, connected.Refusal);
            }

            using var client = connected.Value;
            return await action(parseResult, client, ct);
        });

    /// <summary>Prints a JSON answer (as is with --json) or refuses.</summary>
    public static int Print(ParseResult parseResult, Outcome<JsonNode?> answer, Func<JsonNode?, string> text) =>
        answer.IsSuccess ? CommandOutput.Print(parseResult, answer.Value, text) : CommandOutput.Refuse(parseResult, answer.Refusal);

    /// <summary>--account, or the caller's only billing account.</summary>
    public static async Task<Outcome<Guid>> AccountAsync(ParseResult parseResult, ServiceClient client, CancellationToken ct)
    {
        var named = AdminOptions.Id(parseResult, AdminOptions.Account, "pk accounts list");
        if (!named.IsSuccess)
        {
            return named.Refusal;
        }

        if (named.Value is { } id)
        {
            return id;
        }

        var accounts = await client.GetAsync("api/v1/billing-accounts", ct);
        if (!accounts.IsSuccess)
        {
            return accounts.Refusal;
        }

        var list = accounts.Value?.AsArray() ?? [];
        return list.Count == 1 && Guid.TryParse(list[0]?["id"]?.GetValue<string>(), out var only)
            ? only
            : new Refusal(ErrorCatalogue.ValidationFailed, $"You hold roles on {list.Count} billing accounts: name one with --account ID ('pk accounts list').");
    }

    public static string Text(this JsonNode? node, string name) => node?[name]?.ToString() ?? "";
}
