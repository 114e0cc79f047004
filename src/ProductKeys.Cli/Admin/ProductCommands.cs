using System.CommandLine;
using ProductKeys.AdminApi;
using ProductKeys.AdminApi.Catalog;

namespace ProductKeys.Cli.Admin;

/// <summary><c>pk products list|create</c>: the catalog.</summary>
internal static class ProductCommands
{
    public static void AddTo(RootCommand root)
    {
        var list = new Command("list", "List the catalog with each product's public setup and KMS client setup keys.");
        AdminAction.Set(list, async (parseResult, client, ct) =>
            AdminAction.Print(parseResult, await client.GetAsync("api/v1/products", AdminApiJsonContext.Default.ListProductResponse, ct), products =>
                string.Join('\n', products.Select(p =>
                    $"{p.Id,-24} {p.Category,-8} group {p.KeyGroup,-8} {p.Name}\n" +
                    $"{"",-24} setup key {p.SetupKey}  KMS client setup key {p.KmsClientSetupKey ?? "-"}"))));

        var id = new Option<string>("--id") { Description = "Product id, a slug such as contoso-desktop.", Required = true };
        var name = new Option<string>("--name") { Description = "Product name.", Required = true };
        var category = new Option<string>("--category") { Description = "Desktop, Server or Cal.", Required = true };
        var group = new Option<int>("--key-group") { Description = "Key group, 1..1048575, not used by another product.", Required = true };
        var kmsHost = new Option<bool>("--kms-host-key") { Description = "Orders also yield a KMS host key (volume products with KMS rights)." };
        var threshold = new Option<int?>("--kms-threshold") { Description = "KMS activation threshold (default: 25 desktop, 5 server)." };
        var create = new Command("create", "Add a product to the catalog (publisher staff).") { id, name, category, group, kmsHost, threshold };
        AdminAction.Set(create, async (parseResult, client, ct) =>
        {
            var body = new ProductRequest(
                parseResult.GetValue(id), parseResult.GetValue(name), parseResult.GetValue(category), parseResult.GetValue(group),
                parseResult.GetValue(kmsHost), HeadroomPercent: null, HeadroomMinimum: null, parseResult.GetValue(threshold));
            return AdminAction.Print(parseResult, await client.PostAsync("api/v1/products", body,
                AdminApiJsonContext.Default.ProductRequest, AdminApiJsonContext.Default.ProductResponse, ct),
                p => $"Product {p.Id} created: setup key {p.SetupKey}.");
        });

        var products = AdminOptions.Group("products", "The publisher's catalog.");
        products.Subcommands.Add(list);
        products.Subcommands.Add(create);
        root.Subcommands.Add(products);
    }
}
