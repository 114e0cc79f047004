using System.CommandLine;
using System.Globalization;
using System.Text;
using ProductKeys.Cli.Output;
using ProductKeys.KmsHost.Status;

namespace ProductKeys.Cli.KmsHost;

/// <summary><c>pk kms-host status --data DIR [--json]</c>.</summary>
internal static class KmsHostStatusCommand
{
    public static Command Create()
    {
        var data = KmsHostCommands.Data();
        var command = new Command("status", "Activation state, count per product, requests and warnings of a KMS host.") { data };
        command.SetAction(parseResult =>
        {
            // Status only reads: a mistyped or foreign folder is named (STORE_INVALID), not shown as a host not yet activated.
            var report = KmsStatusReader.ReadExisting(parseResult.GetValue(data)!, TimeProvider.System);
            return report.IsSuccess ? CommandOutput.Print(parseResult, report.Value, ToText) : CommandOutput.Refuse(parseResult, report.Refusal);
        });
        return command;
    }

    private static string ToText(KmsStatusReport r)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Host ID:        {r.HostId ?? "-"}\n");
        text.Append(CultureInfo.InvariantCulture, $"Activated:      {(r.Activated ? "yes" : "no")} — {r.ActivationDetail}\n");
        text.Append(CultureInfo.InvariantCulture,
            $"Publisher keys: {(r.PublisherKeys.Count == 0 ? "-" : string.Join(", ", r.PublisherKeys))}{(r.KeyListSequence > 0 ? $" (key list {r.KeyListSequence})" : "")}\n");
        text.Append(r.Running
            ? $"Listening:      {r.Listening ?? "-"}\n"
            : $"Listening:      no, the host is not running{(r.Listening is null ? "" : $" (it last listened on {r.Listening})")}\n");
        foreach (var p in r.Products)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"Product:        {p.Product}: count {p.Count} / threshold {p.Threshold?.ToString(CultureInfo.InvariantCulture) ?? "not covered"}{(p.Activating ? " (activating)" : "")}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"Requests:       {r.Requests} ({r.Activations} certificates issued, {r.BelowThreshold} below the threshold, {r.Failed} refused)\n");
        foreach (var (code, count) in r.FailedByCode.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"  refused {code,-20}{count}\n");
        }

        foreach (var (state, count) in r.ByClientState.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"  from {state,-20}{count}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"Oldest client:  {Seen(r.OldestClient)}\n");
        text.Append(CultureInfo.InvariantCulture, $"Newest client:  {Seen(r.NewestClient)}\n");
        foreach (var warning in r.Warnings)
        {
            text.Append(CultureInfo.InvariantCulture, $"WARNING: {warning}\n");
        }

        return text.ToString().TrimEnd();
    }

    private static string Seen(KmsClientSeen? client) =>
        client is null ? "-" : $"{client.Cmid} ({client.Product}) last seen {client.LastSeen:yyyy-MM-dd HH:mm} UTC";
}
