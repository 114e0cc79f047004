using System.CommandLine;

namespace ProductKeys.Cli.Admin;

/// <summary><c>pk mak count KEY</c>: how many activations a MAK has used of its limit.</summary>
internal static class MakCommands
{
    public static void AddTo(RootCommand root)
    {
        var key = new Argument<string>("KEY") { Description = "The MAK, e.g. XXXXX-XXXXX-XXXXX-XXXXX-XXXXX." };
        var count = new Command("count", "Show a MAK's activations used and limit (the key rule applies; publisher staff: any key).") { key };
        AdminAction.Set(count, async (parseResult, client, ct) =>
            AdminAction.Print(parseResult, await client.PostAsync("api/v1/keys/lookup", new { key = parseResult.GetValue(key) }, ct), k =>
                $"…{k.Text("partialKey")}  {k.Text("type")}  {k.Text("product")}: {k.Text("activationsUsed")} of {k.Text("activationLimit")} activations used ({k.Text("status")})"));
        var mak = AdminOptions.Group("mak", "Multiple Activation Keys.");
        mak.Subcommands.Add(count);
        root.Subcommands.Add(mak);
    }
}
