using System.CommandLine;
using ProductKeys.AdminApi;
using ProductKeys.AdminApi.Orders;
using ProductKeys.Cli.Output;

namespace ProductKeys.Cli.Admin;

/// <summary><c>pk orders create|list</c>: purchases and the key packages they yield.</summary>
internal static class OrderCommands
{
    public static void AddTo(RootCommand root)
    {
        var product = new Option<string>("--product") { Description = "Product id, e.g. contoso-desktop ('pk products list').", Required = true };
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

            var body = new OrderRequest(parseResult.GetValue(product), parseResult.GetValue(quantity), parseResult.GetValue(split));
            return AdminAction.Print(parseResult, await client.PostAsync($"api/v1/billing-accounts/{account.Value}/orders", body,
                AdminApiJsonContext.Default.OrderRequest, AdminApiJsonContext.Default.PurchaseResponse, ct),
                p => $"Purchase {p.PurchaseId}: {p.Product} x{p.Quantity}\n" + Describe(p.Orders));
        }, parseResult => OptionCheck.First(
            OptionCheck.NotBlank(parseResult, product, "a product id from 'pk products list'"),
            OptionCheck.Rule(parseResult.GetValue(quantity) >= 1, $"--quantity must be at least 1; it was {parseResult.GetValue(quantity)}.")));

        var list = new Command("list", "List a billing account's orders and key packages.") { AdminOptions.Account };
        AdminAction.Set(list, async (parseResult, client, ct) =>
        {
            var account = await AdminAction.AccountAsync(parseResult, client, ct);
            return !account.IsSuccess
                ? CommandOutput.Refuse(parseResult, account.Refusal)
                : AdminAction.Print(parseResult, await client.GetAsync($"api/v1/billing-accounts/{account.Value}/orders", AdminApiJsonContext.Default.ListOrderResponse, ct), Describe);
        });

        var orders = AdminOptions.Group("orders", "Orders of a billing account.");
        orders.Subcommands.Add(create);
        orders.Subcommands.Add(list);
        root.Subcommands.Add(orders);
    }

    private static string Describe(IEnumerable<OrderResponse> orders) => string.Join('\n', orders.Select(o =>
        $"order {o.Id}  {o.Product} x{o.Quantity}\n" + string.Join('\n', o.KeyPackages.Select(p =>
            $"  package {p.Id} (installs as {p.InstalledQuantity})\n" + string.Join('\n', p.Keys.Select(k =>
                $"    key {k.Id}  {k.Type}  limit {k.ActivationLimit}"))))));
}
