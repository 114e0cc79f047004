using System.Globalization;
using System.Text.Json;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;

namespace ProductKeys.Core.Certificates;

/// <summary>
/// A signed usage report (docs/product.md §5, §8; docs/formats/usage-report-v1.md): a CAL server or KMS
/// host says "this is what I hold now". Purpose <c>pk/usage-report/v1</c>, signed by the server's own
/// key, bound to the server ID, never expires. Field order: reportId, source, serverId, serverKeyId,
/// windowStart, lines, certificates. The certificates field carries the publisher's certificates of
/// that key (the CAL pack certificates, or the KMS host certificate), one per line, so the chain
/// publisher → certificate → report verifies from the report alone.
/// </summary>
public sealed class UsageReport
{
    /// <summary>The source of a CAL server's report.</summary>
    public const string CalServerSource = "cal-server";

    /// <summary>The source of a KMS host's report.</summary>
    public const string KmsHostSource = "kms-host";

    /// <summary>The mode of a KMS host's lines.</summary>
    private const string KmsMode = "Kms";

    /// <summary>The most lines one report carries.</summary>
    public const int MaxLines = 256;

    private UsageReport(
        Guid reportId, string source, string serverId, TrustedKey serverKey, DateTimeOffset issuedAt, DateTimeOffset windowStart,
        IReadOnlyList<UsageLine> lines, IReadOnlyList<string> certificates, Guid? billingAccount, IReadOnlyList<string> packIds, string text)
    {
        ReportId = reportId;
        Source = source;
        ServerId = serverId;
        ServerKey = serverKey;
        IssuedAt = issuedAt;
        WindowStart = windowStart;
        Lines = lines;
        Certificates = certificates;
        BillingAccount = billingAccount;
        PackIds = packIds;
        Text = text;
    }

    /// <summary>The report's own ID: the service stores each ID once.</summary>
    public Guid ReportId { get; }

    /// <summary><see cref="CalServerSource"/> or <see cref="KmsHostSource"/>.</summary>
    public string Source { get; }

    /// <summary>The CAL server's or KMS host's ID.</summary>
    public string ServerId { get; }

    /// <summary>The key that signed the report, as its certificates name it.</summary>
    public TrustedKey ServerKey { get; }

    /// <summary>When the server signed it.</summary>
    public DateTimeOffset IssuedAt { get; }

    /// <summary>The start of the period the counts cover (a KMS host: 30 days back; a CAL server: its first pack).</summary>
    public DateTimeOffset WindowStart { get; }

    /// <summary>What was bought, installed and used.</summary>
    public IReadOnlyList<UsageLine> Lines { get; }

    /// <summary>The certificates of the server key, text form.</summary>
    public IReadOnlyList<string> Certificates { get; }

    /// <summary>A KMS host's billing account, from its host certificate; <c>null</c> for a CAL server.</summary>
    public Guid? BillingAccount { get; }

    /// <summary>A CAL server's pack IDs (the orders' key packages), from its pack certificates; empty for a KMS host.</summary>
    public IReadOnlyList<string> PackIds { get; }

    /// <summary>The signed artifact, text form, byte for byte.</summary>
    public string Text { get; }

    /// <summary>Signs a usage report with the server's own key.</summary>
    /// <param name="serverSigner">The signer holding the server's private key (the key its certificates name).</param>
    /// <param name="source"><see cref="CalServerSource"/> or <see cref="KmsHostSource"/>.</param>
    /// <param name="serverId">The server's ID.</param>
    /// <param name="windowStart">The start of the period the counts cover.</param>
    /// <param name="lines">The counts (1 to <see cref="MaxLines"/>).</param>
    /// <param name="certificates">The publisher's certificates of the server key, text form (at least one).</param>
    /// <returns>The report, text form (<c>PKA1.</c>…).</returns>
    /// <exception cref="ArgumentException">A bad source, no certificate or no line.</exception>
    public static string Issue(
        ArtifactSigner serverSigner, string source, string serverId, DateTimeOffset windowStart, IReadOnlyList<UsageLine> lines, IReadOnlyList<string> certificates)
    {
        ArgumentNullException.ThrowIfNull(serverSigner);
        ArgumentException.ThrowIfNullOrWhiteSpace(serverId);
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(certificates);
        if (source is not (CalServerSource or KmsHostSource) || lines.Count is 0 or > MaxLines || certificates.Count == 0)
        {
            throw new ArgumentException("A usage report comes from a CAL server or KMS host, with 1 to 256 lines and at least one certificate.");
        }

        var artifact = serverSigner.Sign(
            ArtifactPurpose.UsageReport,
            [
                new("reportId", Guid.NewGuid().ToString()),
                new("source", source),
                new("serverId", serverId),
                new("serverKeyId", serverSigner.KeyId),
                new("windowStart", windowStart.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
                new("lines", JsonSerializer.Serialize([.. lines], KmsCertificateJsonContext.Default.ListUsageLine)),
                new("certificates", string.Join('\n', certificates.Select(c => c.Trim()))),
            ],
            expires: null,
            boundTo: serverId);
        return artifact.ToText();
    }

    /// <summary>
    /// Verifies the whole chain: every certificate against the publisher keys, all naming this server and one
    /// key; then the report against that key.
    /// </summary>
    /// <param name="text">The report, text form.</param>
    /// <param name="publisherKeys">The publisher keys.</param>
    /// <param name="time">The verifier's clock.</param>
    /// <returns>The report, or <c>SIGNATURE_INVALID</c> (damaged, edited, uncertified, inconsistent).</returns>
    public static Outcome<UsageReport> Verify(string? text, TrustedKeySet publisherKeys, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(publisherKeys);
        ArgumentNullException.ThrowIfNull(time);
        // The report names its own certificates: read them unverified, verify them, then the report with the key they certify.
        var bytes = ArtifactCodec.TryDecodeText(text, out var problem);
        var unverified = bytes is null ? null : ArtifactCodec.TryRead(bytes, out problem);
        if (unverified is null)
        {
            return Invalid($"This is not a usable signed usage report: {problem}.");
        }

        if (unverified.Purpose != ArtifactPurpose.UsageReport)
        {
            return Invalid($"This is a {unverified.Purpose.WireName()}, not a usage report.");
        }

        var source = unverified.Get("source");
        var serverId = unverified.Get("serverId");
        var certificates = (unverified.Get("certificates") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (source is not (CalServerSource or KmsHostSource) || string.IsNullOrEmpty(serverId) || certificates.Length == 0)
        {
            return Invalid("The usage report carries no certificate of its server: it comes from an uncertified server.");
        }

        TrustedKey? serverKey = null;
        Guid? account = null;
        var packIds = new List<string>();
        // What the certificates cover, mode and product: a line may name only these (the publisher signed them).
        var covered = new HashSet<(string Mode, string Product)>();
        foreach (var certificate in certificates)
        {
            if (source == CalServerSource)
            {
                var pack = CalPackCertificate.Verify(certificate, publisherKeys, time);
                if (!pack.IsSuccess)
                {
                    return Chain(pack.Refusal, $"Pack certificate: {pack.Refusal.Detail}");
                }

                if (pack.Value.ServerId != serverId || (serverKey is not null && serverKey.KeyId != pack.Value.ServerPublicKey.KeyId))
                {
                    return Invalid($"A pack certificate names server '{pack.Value.ServerId}' or another key: the report of '{serverId}' is not certified by it.");
                }

                serverKey = pack.Value.ServerPublicKey;
                packIds.Add(pack.Value.PackId);
                covered.Add((pack.Value.Mode.ToString(), pack.Value.ProductId));
            }
            else
            {
                var host = KmsHostCertificate.Verify(certificate, publisherKeys, time);
                if (!host.IsSuccess)
                {
                    return Chain(host.Refusal, $"Host certificate: {host.Refusal.Detail}");
                }

                if (host.Value.HostId != serverId || certificates.Length != 1 || !Guid.TryParse(host.Value.BillingAccount, out var billing))
                {
                    return Invalid($"The host certificate names host '{host.Value.HostId}': the report of '{serverId}' is not certified by it.");
                }

                serverKey = host.Value.HostPublicKey;
                account = billing;
                covered.UnionWith(host.Value.Products.Select(p => (KmsMode, p.ProductId)));
            }
        }

        var verified = new ArtifactVerifier(new TrustedKeySet(serverKey!), time).Verify(bytes, ArtifactPurpose.UsageReport);
        if (!verified.IsSuccess)
        {
            return Chain(verified.Refusal, $"The report is not signed by the certified key of server '{serverId}': {verified.Refusal.Detail}");
        }

        var a = verified.Value;
        List<UsageLine>? lines;
        try
        {
            lines = JsonSerializer.Deserialize(a.Get("lines") ?? "", KmsCertificateJsonContext.Default.ListUsageLine);
        }
        catch (JsonException e)
        {
            return Invalid($"The report's lines are unreadable: {e.Message}");
        }

        if (!Guid.TryParse(a.Get("reportId"), out var reportId) || a.BoundTo != serverId || a.Get("serverKeyId") != serverKey!.KeyId
            || !long.TryParse(a.Get("windowStart"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var window)
            || window < -62135596800 || window > 253402300799
            || lines is null || lines.Count is 0 or > MaxLines
            || lines.Any(l => l is null || string.IsNullOrEmpty(l.Product) || string.IsNullOrEmpty(l.Mode) || l.Used < 0 || l.OverUsed < 0 || l.Purchased < 0 || l.Installed < 0))
        {
            return Invalid("The usage report lacks a required field or has one out of range.");
        }

        // The lines are the server's own text: one naming a product or mode its certificates do not cover (a report signed by
        // hand with a server's key) would reach the publisher's lists and the portal as free text, control and bidi characters too.
        var stray = lines.FindIndex(l => l.Product.Split(',').Any(product => !covered.Contains((l.Mode, product))));
        if (stray >= 0)
        {
            return Invalid($"Line {stray + 1} of the usage report names a product or mode its certificates do not cover: it was not written by 'pk cal-server report' or 'pk kms-host report'.");
        }

        return new UsageReport(reportId, source, serverId, serverKey, a.IssuedAt, DateTimeOffset.FromUnixTimeSeconds(window), lines, certificates,
            account, packIds, text!.Trim());
    }

    private static Refusal Invalid(string detail) => new(ErrorCatalogue.SignatureInvalid, detail);

    /// <summary>A certificate's or the report's own expiry (or issue time ahead of the clock) keeps its code, as the format says; anything else is SIGNATURE_INVALID.</summary>
    private static Refusal Chain(Refusal inner, string detail) =>
        new(inner.Error == ErrorCatalogue.CertificateExpired ? ErrorCatalogue.CertificateExpired : ErrorCatalogue.SignatureInvalid, detail);
}
