using System.CommandLine;
using ProductKeys.AdminApi;
using ProductKeys.AdminApi.Keys;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;

namespace ProductKeys.Cli.Admin;

/// <summary><c>pk mak count KEY</c>: how many activations a MAK has used of its limit.</summary>
internal static class MakCommands
{
    public static void AddTo(RootCommand root)
    {
        var key = new Argument<string>("KEY") { Description = "The MAK, e.g. XXXXX-XXXXX-XXXXX-XXXXX-XXXXX." };
        var count = new Command("count", "Show a MAK's activations used and limit (the key rule applies; publisher staff: any key).") { key };
        AdminAction.Set(count, async (parseResult, client, ct) =>
            AdminAction.Print(parseResult, await client.PostAsync("api/v1/keys/lookup", new LookupRequest(parseResult.GetValue(key)),
                AdminApiJsonContext.Default.LookupRequest, AdminApiJsonContext.Default.KeyMetadata, ct), k =>
                $"…{k.PartialKey}  {k.Type}  {k.Product}: {k.ActivationsUsed} of {k.ActivationLimit} activations used ({k.Status})"),
            parseResult => CountedKey(parseResult.GetValue(key)));
        var mak = AdminOptions.Group("mak", "Multiple Activation Keys.");
        mak.Subcommands.Add(count);
        root.Subcommands.Add(mak);
    }

    /// <summary>
    /// A typo is found offline; a setup or KMS client setup key is public, the same for every customer,
    /// and counts nothing: the service would call it unknown (not issued to anyone), which sends the user
    /// looking for a forgery. A KMS host key has a count and goes to the service like a MAK.
    /// </summary>
    private static Refusal? CountedKey(string? text)
    {
        var parsed = ProductKey.Parse(text);
        if (!parsed.IsSuccess)
        {
            return parsed.Refusal;
        }

        return parsed.Value.Type switch
        {
            KeyType.KmsClientSetup => new Refusal(ErrorCatalogue.KeyWrongUse,
                "That is a KMS client setup key, not a MAK: it is public, the same for every customer, and devices activate it through a KMS host without a count. Count a MAK ('pk keys list' shows your keys)."),
            KeyType.Setup => new Refusal(ErrorCatalogue.KeyWrongUse,
                "That is a setup key, not a MAK: it only installs the product, never activates, and has no count. Count a MAK ('pk keys list' shows your keys)."),
            _ => null,
        };
    }
}
