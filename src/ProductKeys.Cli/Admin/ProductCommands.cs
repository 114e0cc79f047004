using System.CommandLine;
using System.Globalization;
using ProductKeys.AdminApi;

namespace ProductKeys.Cli.Admin;

/// <summary><c>pk products list|create</c>: the catalog.</summary>
internal static class ProductCommands
{
    public static void AddTo(RootCommand root)
    {
        var list = new Command("list", "List the catalog with each product's public setup and KMS client setup keys.");
        AdminAction.Set(list, async (parseResult, client, ct) =>
            AdminAction.Print(parseResult, await client.GetAsync("api/v1/products", AdminApiJsonContext.Default.ListProductResponse, ct), products =>
                products.Count == 0
                    ? "The catalog is empty: add a product with 'pk products create'."
                    : TextTable.Format(["ID", "CATEGORY", "GROUP", "SETUP KEY", "KMS CLIENT SETUP KEY", "NAME"], products.Select(p => (IReadOnlyList<string>)
                        [p.Id, p.CalType is null ? p.Category : $"{p.Category} ({p.CalType})", p.KeyGroup.ToString(CultureInfo.InvariantCulture), p.SetupKey, p.KmsClientSetupKey ?? "-", p.Name]))));

        var products = AdminOptions.Group("products", "The publisher's catalog.");
        products.Subcommands.Add(list);
        products.Subcommands.Add(ProductCreateCommand.Create());
        root.Subcommands.Add(products);
    }
}
