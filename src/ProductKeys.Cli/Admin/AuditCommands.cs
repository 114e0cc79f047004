using System.CommandLine;
using ProductKeys.Cli.Output;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Admin;

/// <summary><c>pk audit list|verify</c>: the hash-chained audit log (publisher staff).</summary>
internal static class AuditCommands
{
    public static void AddTo(RootCommand root)
    {
        var after = new Option<long?>("--after") { Description = "Only entries after this sequence number." };
        var limit = new Option<int?>("--limit") { Description = "At most this many entries (default 1000)." };
        var list = new Command("list", "List audit entries in order.") { after, limit };
        AdminAction.Set(list, async (parseResult, client, ct) =>
        {
            var query = $"api/v1/audit?after={parseResult.GetValue(after) ?? 0}&limit={parseResult.GetValue(limit) ?? 1000}";
            return AdminAction.Print(parseResult, await client.GetAsync(query, ct), node =>
                string.Join('\n', (node?.AsArray() ?? []).Select(e =>
                    $"{e.Text("sequence"),6}  {e.Text("at")}  {e.Text("actor")}  {e.Text("action")}  {e.Text("subject")}  {e.Text("detail")}")));
        });

        var verify = new Command("verify", "Check the whole hash chain; names the first changed or deleted entry.");
        AdminAction.Set(verify, async (parseResult, client, ct) =>
        {
            var answer = await client.GetAsync("api/v1/audit/verify", ct);
            if (!answer.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, answer.Refusal);
            }

            var node = answer.Value;
            if (node?["valid"]?.GetValue<bool>() == true)
            {
                return CommandOutput.Print(parseResult, node, n => $"Audit chain intact: {n.Text("verifiedEntries")} entries verified.");
            }

            // A broken chain is a refusal: exit non-zero, and say which sequence number.
            return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.SignatureInvalid,
                $"Audit chain broken at entry {node.Text("firstBrokenSequence")}: {node.Text("problem")}."));
        });

        var audit = AdminOptions.Group("audit", "The audit log.");
        audit.Subcommands.Add(list);
        audit.Subcommands.Add(verify);
        root.Subcommands.Add(audit);
    }
}
