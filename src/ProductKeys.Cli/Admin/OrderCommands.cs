using System.CommandLine;
using System.Text.Json.Nodes;
using ProductKeys.Cli.Output;

namespace ProductKeys.Cli.Admin;

/// <summary><c>pk orders create|list</c>: purchases and the key packages they yield.</summary>
internal static class OrderCommands
{
    public static void AddTo(RootCommand root)
    {
        var product = new Option<string>("--product") { Description = "Product id, e.g. contoso-desktop ('GET /api/v1/products').", Required = true };
        var quantity = new Option<int>("--quantity") { Description = "How many licenses (1..1,000,000).", Required = true };
        var split = new Option<bool>("--split") { Description = "CAL orders above 500: one order and key package per 500." };

        var create = new Command("create", "Place an order; prints its key packages (key ids and types, no plaintext).") { AdminOptions.Account, product, quantity, split };
        AdminAction.Set(create, async (parseResult, client, ct) =>
        {
            var account = await AdminAction.AccountAsync(parseResult, client, ct);
            if (!account.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, account.Refusal);
            }

            var body = new { product = parseResult.GetValue(product), quantity = parseResult.GetValue(quantity), split = parseResult.GetValue(split) };
            return AdminAction.Print(parseResult, await client.PostAsync($"api/v1/billing-accounts/{account.Value}/orders", body, ct), node =>
                $"Purchase {node.Text("purchaseId")}: {node.Text("product")} x{node.Text("quantity")}\n" + Describe(node?["orders"]?.AsArray()));
        });

        var list = new Command("list", "List a billing account's orders and key packages.") { AdminOptions.Account };
        AdminAction.Set(list, async (parseResult, client, ct) =>
        {
            var account = await AdminAction.AccountAsync(parseResult, client, ct);
            return !account.IsSuccess
                ? CommandOutput.Refuse(parseResult, account.Refusal)
                : AdminAction.Print(parseResult, await client.GetAsync($"api/v1/billing-accounts/{account.Value}/orders", ct), node => Describe(node?.AsArray()));
        });

        var orders = AdminOptions.Group("orders", "Orders of a billing account.");
        orders.Subcommands.Add(create);
        orders.Subcommands.Add(list);
        root.Subcommands.Add(orders);
    }

    private static string Describe(JsonArray? orders) => string.Join('\n', (orders ?? []).Select(o =>
        $"order {o.Text("id")}  {o.Text("product")} x{o.Text("quantity")}\n" + string.Join('\n', (o?["keyPackages"]?.AsArray() ?? []).Select(p =>
            $"  package {p.Text("id")} (installs as {p.Text("installedQuantity")})\n" + string.Join('\n', (p?["keys"]?.AsArray() ?? []).Select(k =>
                $"    key {k.Text("id")}  {k.Text("type")}  limit {k.Text("activationLimit")}"))))));
}
