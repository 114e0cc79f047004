using System.Globalization;
using System.Text;

namespace ProductKeys.KmsHost.Status;

/// <summary>What <c>pk kms-host status</c> shows (docs/product.md §4).</summary>
/// <param name="HostId">The host's ID, or <c>null</c> before its first start or activation.</param>
/// <param name="Activated">True when a host certificate holds.</param>
/// <param name="ActivationDetail">Why not, or what the certificate says.</param>
/// <param name="BillingAccount">The account the host key was sold to.</param>
/// <param name="CertificateExpires">When the host certificate expires; <c>null</c> when permanent or absent.</param>
/// <param name="Products">Count and threshold per product.</param>
/// <param name="Running">True while a host serves the data folder (it holds <c>kms.lock</c>).</param>
/// <param name="Listening">The addresses the host listens on, or last listened on when it is not running.</param>
/// <param name="Port">The port it last listened on.</param>
/// <param name="Requests">Client requests answered, in total.</param>
/// <param name="Failed">Requests refused.</param>
/// <param name="Activations">Client certificates issued (activations and renewals).</param>
/// <param name="ByClientState">Requests by the license state the client reported.</param>
/// <param name="FailedByCode">Refusals by code.</param>
/// <param name="OldestClient">The counted client seen longest ago.</param>
/// <param name="NewestClient">The client seen most recently.</param>
/// <param name="Warnings">Things an administrator should look at, e.g. cloned images.</param>
/// <param name="PublisherKeys">The key IDs of the publisher keys the host trusts now (none before its first activation).</param>
/// <param name="KeyListSequence">The last publisher key list the host applied (0: none).</param>
/// <param name="BelowThreshold">Requests answered while the product's count was below its activation threshold (the client stays in its grace).</param>
public sealed record KmsStatusReport(
    string? HostId,
    bool Activated,
    string ActivationDetail,
    string? BillingAccount,
    DateTimeOffset? CertificateExpires,
    IReadOnlyList<KmsProductCount> Products,
    bool Running,
    string? Listening,
    int? Port,
    long Requests,
    long Failed,
    long Activations,
    IReadOnlyDictionary<string, long> ByClientState,
    IReadOnlyDictionary<string, long> FailedByCode,
    KmsClientSeen? OldestClient,
    KmsClientSeen? NewestClient,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> PublisherKeys,
    long KeyListSequence,
    long BelowThreshold = 0)
{
    /// <summary>The text <c>pk kms-host status</c> prints.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Host ID:        {HostId ?? "-"}\n");
        text.Append(CultureInfo.InvariantCulture, $"Activated:      {(Activated ? "yes" : "no")} — {ActivationDetail}\n");
        text.Append(CultureInfo.InvariantCulture,
            $"Publisher keys: {(PublisherKeys.Count == 0 ? "-" : string.Join(", ", PublisherKeys))}{(KeyListSequence > 0 ? $" (key list {KeyListSequence})" : "")}\n");
        text.Append(Running
            ? $"Listening:      {Listening ?? "-"}\n"
            : $"Listening:      no, the host is not running{(Listening is null ? "" : $" (it last listened on {Listening})")}\n");
        foreach (var p in Products)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"Product:        {p.Product}: count {p.Count} / threshold {p.Threshold?.ToString(CultureInfo.InvariantCulture) ?? "not covered"}{(p.Activating ? " (activating)" : "")}");
            // The count answered to clients stops at twice the highest threshold; the signed report tells every client.
            text.Append(p.Clients > p.Count ? $"; {p.Clients} distinct clients in 30 days (the count answered stops at twice the highest threshold)\n" : "\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"Requests:       {Requests} ({Activations} certificates issued, {BelowThreshold} below the threshold, {Failed} refused)\n");
        foreach (var (code, count) in FailedByCode.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"  refused {code,-20}{count}\n");
        }

        foreach (var (state, count) in ByClientState.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"  from {state,-20}{count}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"Oldest client:  {Seen(OldestClient)}\n");
        text.Append(CultureInfo.InvariantCulture, $"Newest client:  {Seen(NewestClient)}\n");
        foreach (var warning in Warnings)
        {
            text.Append(CultureInfo.InvariantCulture, $"WARNING: {warning}\n");
        }

        return text.ToString().TrimEnd();
    }

    private static string Seen(KmsClientSeen? client) =>
        client is null ? "-" : $"{client.Cmid} ({client.Product}) last seen {client.LastSeen:yyyy-MM-dd HH:mm} UTC";
}
