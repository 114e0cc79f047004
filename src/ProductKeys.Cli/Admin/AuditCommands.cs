using System.CommandLine;
using ProductKeys.AdminApi;
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
            return AdminAction.Print(parseResult, await client.GetAsync(query, AdminApiJsonContext.Default.ListAuditEntryResponse, ct), entries =>
                string.Join('\n', entries.Select(e => $"{e.Sequence,6}  {e.At:O}  {e.Actor}  {e.Action}  {e.Subject}  {e.Detail}")));
        });

        var verify = new Command("verify", "Check the whole hash chain; names the first changed or deleted entry.");
        AdminAction.Set(verify, async (parseResult, client, ct) =>
        {
            var answer = await client.GetAsync("api/v1/audit/verify", AdminApiJsonContext.Default.AuditVerification, ct);
            if (!answer.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, answer.Refusal);
            }

            var verification = answer.Value;
            if (verification.Valid)
            {
                return CommandOutput.Print(parseResult, verification, v => $"Audit chain intact: {v.VerifiedEntries} entries verified.");
            }

            // A broken chain is a refusal: exit non-zero, and say which sequence number.
            return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.SignatureInvalid,
                $"Audit chain broken at entry {verification.FirstBrokenSequence}: {verification.Problem}."));
        });

        var audit = AdminOptions.Group("audit", "The audit log.");
        audit.Subcommands.Add(list);
        audit.Subcommands.Add(verify);
        root.Subcommands.Add(audit);
    }
}
