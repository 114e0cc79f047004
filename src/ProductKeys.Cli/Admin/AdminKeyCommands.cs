using System.CommandLine;
using ProductKeys.AdminApi;
using ProductKeys.AdminApi.Keys;
using ProductKeys.Cli.Output;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Admin;

/// <summary>
/// <c>pk keys list|export</c> (Billing administrators who own or contribute to the account) and
/// <c>pk keys show|block|unblock|raise</c> (publisher staff).
/// </summary>
internal static class AdminKeyCommands
{
    public static void AddTo(RootCommand root)
    {
        var keys = AdminOptions.Group("keys", "Product keys of billing accounts.");
        keys.Subcommands.Add(List());
        keys.Subcommands.Add(KeyExportCommand.Create());
        var keyId = new Argument<Guid>("KEY-ID") { Description = "The key's id (from 'pk keys list' or 'pk orders list')." };
        keys.Subcommands.Add(Publisher("show", "Show a key's metadata (publisher staff; never the plaintext).", keyId,
            (client, id, ct) => client.GetAsync($"api/v1/keys/{id}", AdminApiJsonContext.Default.KeyMetadata, ct)));
        keys.Subcommands.Add(Publisher("block", "Block a key: it activates nothing more (publisher staff).", keyId,
            (client, id, ct) => client.PostAsync($"api/v1/keys/{id}/block", AdminApiJsonContext.Default.KeyMetadata, ct)));
        keys.Subcommands.Add(Publisher("unblock", "Unblock a key (publisher staff).", keyId,
            (client, id, ct) => client.PostAsync($"api/v1/keys/{id}/unblock", AdminApiJsonContext.Default.KeyMetadata, ct)));
        var limit = new Option<int>("--limit") { Description = "The new activation limit (only raises).", Required = true };
        var raise = new Command("raise", "Raise a MAK's activation limit (publisher staff).") { keyId, limit };
        AdminAction.Set(raise, async (parseResult, client, ct) =>
            AdminAction.Print(parseResult, await client.PostAsync($"api/v1/keys/{parseResult.GetValue(keyId)}/limit", new LimitRequest(parseResult.GetValue(limit)),
                AdminApiJsonContext.Default.LimitRequest, AdminApiJsonContext.Default.KeyMetadata, ct), Describe),
            parseResult => OptionCheck.Rule(parseResult.GetValue(limit) >= 1, $"--limit must be at least 1; it was {parseResult.GetValue(limit)}."));
        keys.Subcommands.Add(raise);
        root.Subcommands.Add(keys);
    }

    private static Command List()
    {
        var metadata = new Option<bool>("--metadata") { Description = "Publisher staff: key metadata (last five characters, limits, status) without plaintext." };
        var list = new Command("list", "List every key of a billing account, with plaintext (Billing administrator and Owner/Contributor).") { AdminOptions.Account, metadata };
        AdminAction.Set(list, async (parseResult, client, ct) =>
        {
            var account = await AdminAction.AccountAsync(parseResult, client, ct);
            if (!account.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, account.Refusal);
            }

            if (parseResult.GetValue(metadata))
            {
                return AdminAction.Print(parseResult, await client.GetAsync($"api/v1/keys?billingAccount={account.Value}", AdminApiJsonContext.Default.ListKeyMetadata, ct),
                    keys => string.Join('\n', keys.Select(Describe)));
            }

            var answer = await client.GetAsync($"api/v1/billing-accounts/{account.Value}/product-keys", AdminApiJsonContext.Default.ListKeyRow, ct);
            if (!answer.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, answer.Refusal);
            }

            return CommandOutput.Print(parseResult, new KeyList(account.Value, answer.Value), r =>
                TextTable.Format(["KEY", "TYPE", "PRODUCT", "USED/LIMIT", "STATUS", "ORDER"], r.Keys.Select(k => (IReadOnlyList<string>)
                    [k.Key, k.Type.ToString(), k.Product, $"{k.ActivationsUsed}/{k.ActivationLimit}", k.Status.ToString(), k.OrderId.ToString()])) +
                $"\n{r.Keys.Count} key(s).");
        });
        return list;
    }

    private static Command Publisher(string name, string description, Argument<Guid> keyId, Func<ServiceClient, Guid, CancellationToken, Task<Outcome<KeyMetadata>>> send)
    {
        var command = new Command(name, description) { keyId };
        AdminAction.Set(command, async (parseResult, client, ct) =>
            AdminAction.Print(parseResult, await send(client, parseResult.GetValue(keyId), ct), Describe));
        return command;
    }

    private static string Describe(KeyMetadata k) =>
        $"key {k.Id}  …{k.PartialKey}  {k.Type}  {k.Product}  used {k.ActivationsUsed}/{k.ActivationLimit}  {k.Status}  account {k.BillingAccountId}";

    /// <summary>What 'pk keys list --json' prints: the account and its keys.</summary>
    private sealed record KeyList(Guid BillingAccount, IReadOnlyList<KeyRow> Keys);
}
