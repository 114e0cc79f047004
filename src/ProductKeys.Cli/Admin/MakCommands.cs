using System.CommandLine;
using ProductKeys.AdminApi;
using ProductKeys.AdminApi.Keys;

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
                $"…{k.PartialKey}  {k.Type}  {k.Product}: {k.ActivationsUsed} of {k.ActivationLimit} activations used ({k.Status})"));
        var mak = AdminOptions.Group("mak", "Multiple Activation Keys.");
        mak.Subcommands.Add(count);
        root.Subcommands.Add(mak);
    }
}
