using System.CommandLine;
using ProductKeys.AdminApi;
using ProductKeys.Cli.Output;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Admin;

/// <summary>Runs an admin command with a connected client; refusals print their code and set the exit code.</summary>
internal static class AdminAction
{
    /// <summary>Sets the command's action; <paramref name="check"/> checks the options the user typed (<see cref="OptionCheck"/>) before signing in or sending anything.</summary>
    public static void Set(Command command, Func<ParseResult, ServiceClient, CancellationToken, Task<int>> action, Func<ParseResult, Refusal?>? check = null) =>
        command.SetAction(async (parseResult, ct) =>
        {
            if (check?.Invoke(parseResult) is { } invalid)
            {
                return CommandOutput.Refuse(parseResult, invalid);
            }

            var connected = AdminOptions.Connect(parseResult);
            if (!connected.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, connected.Refusal);
            }

            using var client = connected.Value;
            return await action(parseResult, client, ct);
        });

    /// <summary>Prints an answer (the record as JSON with --json) or refuses.</summary>
    public static int Print<T>(ParseResult parseResult, Outcome<T> answer, Func<T, string> text) =>
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

        var accounts = await client.GetAsync("api/v1/billing-accounts", AdminApiJsonContext.Default.ListBillingAccountResponse, ct);
        if (!accounts.IsSuccess)
        {
            return accounts.Refusal;
        }

        var list = accounts.Value;
        return list.Count == 1
            ? list[0].Id
            : new Refusal(ErrorCatalogue.ValidationFailed, $"You hold roles on {list.Count} billing accounts: name one with --account ID ('pk accounts list').");
    }
}
