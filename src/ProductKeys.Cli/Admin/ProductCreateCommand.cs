using System.CommandLine;
using ProductKeys.AdminApi;
using ProductKeys.AdminApi.Catalog;
using ProductKeys.Core.Catalog;
using ProductKeys.Core.Keys;

namespace ProductKeys.Cli.Admin;

/// <summary><c>pk products create</c>: every field POST /api/v1/products takes, each checked first so a mistake names its option.</summary>
internal static class ProductCreateCommand
{
    public static Command Create()
    {
        var id = new Option<string>("--id") { Description = "Product id, a slug such as contoso-desktop (a lower-case letter, then lower-case letters, digits and hyphens).", Required = true };
        var name = new Option<string>("--name") { Description = "Product name (1 to 200 characters).", Required = true };
        var category = new Option<string>("--category") { Description = "Desktop, Server or Cal.", Required = true };
        var group = new Option<int>("--key-group") { Description = $"Key group, 1..{ProductKey.MaxGroup}, not used by another product.", Required = true };
        var kmsHost = new Option<bool>("--kms-host-key") { Description = "Orders also yield a KMS host key (volume products with KMS rights)." };
        var threshold = new Option<int?>("--kms-threshold") { Description = $"KMS activation threshold, 0..{ProductLimits.MaxKmsThreshold} (default: 25 desktop, 5 server)." };
        var calType = new Option<string?>("--cal-type") { Description = "Cal products: PerUser (default) or PerDevice." };
        var headroomPercent = new Option<int?>("--headroom-percent")
        {
            Description = $"A MAK's limit as a percentage of the quantity ordered, {ProductLimits.MinHeadroomPercent}..{ProductLimits.MaxHeadroomPercent} (default 125).",
        };
        var headroomMinimum = new Option<int?>("--headroom-minimum")
        {
            Description = $"At least this many activations above the quantity ordered, 0..{ProductLimits.MaxHeadroomMinimum} (default 5).",
        };
        var create = new Command("create", "Add a product to the catalog (publisher staff).")
        {
            id, name, category, group, kmsHost, threshold, calType, headroomPercent, headroomMinimum,
        };
        AdminAction.Set(create, async (parseResult, client, ct) =>
        {
            var body = new ProductRequest(
                parseResult.GetValue(id), parseResult.GetValue(name)?.Trim(), parseResult.GetValue(category)?.Trim(), parseResult.GetValue(group),
                parseResult.GetValue(kmsHost), parseResult.GetValue(headroomPercent), parseResult.GetValue(headroomMinimum), parseResult.GetValue(threshold),
                parseResult.GetValue(calType)?.Trim());
            return AdminAction.Print(parseResult, await client.PostAsync("api/v1/products", body,
                AdminApiJsonContext.Default.ProductRequest, AdminApiJsonContext.Default.ProductResponse, ct),
                p => $"Product {p.Id} created: setup key {p.SetupKey}{(p.CalType is null ? "" : $", {p.CalType} CAL")}.");
        }, parseResult => OptionCheck.First(
            OptionCheck.Rule(ProductIds.IsValid(parseResult.GetValue(id)),
                $"--id must be a slug such as contoso-desktop: a lower-case letter, then up to 63 lower-case letters, digits and hyphens; it was '{parseResult.GetValue(id)}'."),
            OptionCheck.Rule(parseResult.GetValue(name)?.Trim().Length is >= 1 and <= 200, "--name must have 1 to 200 characters."),
            OptionCheck.OneOf(parseResult, category, ProductLimits.Categories),
            OptionCheck.Range(parseResult, group, 1, ProductKey.MaxGroup),
            OptionCheck.Range(parseResult, threshold, 0, ProductLimits.MaxKmsThreshold),
            CalTypeCheck(parseResult.GetValue(category), parseResult.GetValue(calType)),
            OptionCheck.Range(parseResult, headroomPercent, ProductLimits.MinHeadroomPercent, ProductLimits.MaxHeadroomPercent),
            OptionCheck.Range(parseResult, headroomMinimum, 0, ProductLimits.MaxHeadroomMinimum)));
        return create;
    }

    private static Core.Errors.Refusal? CalTypeCheck(string? category, string? calType) => calType switch
    {
        null => null,
        _ when !string.Equals(category?.Trim(), "Cal", StringComparison.OrdinalIgnoreCase) =>
            OptionCheck.Rule(false, $"--cal-type is for Cal products only; this one is {category}."),
        _ => OptionCheck.Rule(ProductLimits.CalTypes.Contains(calType.Trim(), StringComparer.OrdinalIgnoreCase),
            $"--cal-type must be one of {string.Join(", ", ProductLimits.CalTypes)}; it was '{calType}'."),
    };
}
