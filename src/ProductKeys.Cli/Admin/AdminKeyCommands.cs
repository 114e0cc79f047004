using System.CommandLine;
using System.Text.Json.Nodes;
using ProductKeys.Cli.Output;

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
        keys.Subcommands.Add(Publisher("show", "Show a key's metadata (publisher staff; never the plaintext).", keyId, id => (HttpMethod.Get, $"api/v1/keys/{id}", null)));
        keys.Subcommands.Add(Publisher("block", "Block a key: it activates nothing more (publisher staff).", keyId, id => (HttpMethod.Post, $"api/v1/keys/{id}/block", null)));
        keys.Subcommands.Add(Publisher("unblock", "Unblock a key (publisher staff).", keyId, id => (HttpMethod.Post, $"api/v1/keys/{id}/unblock", null)));
        var limit = new Option<int>("--limit") { Description = "The new activation limit (only raises).", Required = true };
        var raise = Publisher("raise", "Raise a MAK's activation limit (publisher staff).", keyId, null);
        raise.Options.Add(limit);
        AdminAction.Set(raise, async (parseResult, client, ct) =>
            AdminAction.Print(parseResult, await client.PostAsync($"api/v1/keys/{parseResult.GetValue(keyId)}/limit",
                new { activationLimit = parseResult.GetValue(limit) }, ct), Describe));
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
                return AdminAction.Print(parseResult, await client.GetAsync($"api/v1/keys?billingAccount={account.Value}", ct),
                    node => string.Join('\n', (node?.AsArray() ?? []).Select(Describe)));
            }

            var answer = await client.GetAsync($"api/v1/billing-accounts/{account.Value}/product-keys", ct);
            if (!answer.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, answer.Refusal);
            }

            var rows = answer.Value?.AsArray() ?? [];
            var result = new JsonObject { ["billingAccount"] = account.Value.ToString(), ["keys"] = rows.DeepClone() };
            return CommandOutput.Print(parseResult, result, _ =>
                $"{"KEY",-29}  {"TYPE",-7}  {"PRODUCT",-20}  {"USED/LIMIT",-11}  {"STATUS",-7}  ORDER\n" +
                string.Join('\n', rows.Select(k =>
                    $"{k.Text("key"),-29}  {k.Text("type"),-7}  {k.Text("product"),-20}  {k.Text("activationsUsed") + "/" + k.Text("activationLimit"),-11}  {k.Text("status"),-7}  {k.Text("orderId")}")) +
                $"\n{rows.Count} key(s).");
        });
        return list;
    }

    private static Command Publisher(string name, string description, Argument<Guid> keyId, Func<Guid, (HttpMethod Method, string Path, object? Body)>? request)
    {
        var command = new Command(name, description) { keyId };
        if (request is not null)
        {
            AdminAction.Set(command, async (parseResult, client, ct) =>
            {
                var (method, path, body) = request(parseResult.GetValue(keyId));
                var answer = method == HttpMethod.Get ? await client.GetAsync(path, ct) : await client.PostAsync(path, body, ct);
                return AdminAction.Print(parseResult, answer, Describe);
            });
        }

        return command;
    }

    private static string Describe(JsonNode? k) =>
        $"key {k.Text("id")}  …{k.Text("partialKey")}  {k.Text("type")}  {k.Text("product")}  used {k.Text("activationsUsed")}/{k.Text("activationLimit")}  {k.Text("status")}  account {k.Text("billingAccountId")}";
}
