using System.Globalization;
using System.Text;
using ProductKeys.Client.Licensing;
using ProductKeys.Core.Keys;

namespace ProductKeys.Cli.Device;

/// <summary>The shapes <c>dli</c>, <c>dlv</c> and <c>xpr</c> print, as text and JSON.</summary>
internal sealed record StatusView(
    string State,
    string? Product,
    KeyType? KeyType,
    string? PartialKey,
    DateTimeOffset? Expires,
    DateTimeOffset? GraceEnds,
    string? KmsHost,
    int? RearmsLeft,
    bool ClockRollbackDetected,
    string Message,
    string Store,
    string? HardwareId = null,
    string? ActivationId = null,
    string? Service = null,
    string? ActivationCheck = null,
    double? GraceDaysLeft = null,
    DateTimeOffset? NextRenewalDue = null,
    string? KmsCachedHost = null,
    string? Code = null)
{
    public static StatusView From(DeviceLicenseReport report, string store, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        var s = report.Status;
        return new StatusView(s.State.ToString(), s.ProductId, s.KeyType, s.PartialKey, s.Expires, s.GraceEnds,
            report.Stored.KmsHost, s.RearmsLeft, s.ClockRollbackDetected, s.Message, store,
            GraceDaysLeft: s.GraceEnds is { } ends ? Math.Round(Math.Max(0, (ends - now).TotalDays), 1) : null,
            NextRenewalDue: s.KeyType == Core.Keys.KeyType.KmsClientSetup ? report.Stored.NextRenewalDue ?? now : null,
            KmsCachedHost: report.Stored.KmsCachedHost,
            Code: s.Code,
            // In every JSON shape, dli's too: 'pk dli --field service' printed an empty line for a store that has one
            // (found by a new user's walkthrough). Only the text of dlv shows them.
            HardwareId: report.HardwareId,
            ActivationId: report.Stored.Activation?.ActivationId,
            Service: report.Stored.ServiceUrl?.ToString(),
            ActivationCheck: report.CheckDetail ?? report.Check.ToString());
    }

    /// <param name="verbose">Also the lines of <c>dlv</c>.</param>
    /// <param name="nextStep">What to do next when the command knows better than the state (<c>dti</c>: the request goes out on a file, not <c>pk ato</c>).</param>
    public string ToText(bool verbose, string? nextStep = null)
    {
        var text = new StringBuilder();
        Line(text, "Name", Product is null ? "ProductKeys license: no product key installed on this store" : $"ProductKeys license for '{Product}'");
        Line(text, "Description", KeyType switch
        {
            Core.Keys.KeyType.Mak => "Volume: MAK channel",
            Core.Keys.KeyType.KmsClientSetup => "Volume: KMS client channel",
            Core.Keys.KeyType.Setup => "Setup key (installs, never activates)",
            _ => "no key installed",
        });
        Line(text, "Partial key", PartialKey ?? "-");
        Line(text, "License state", State);
        Line(text, "Expires", Expires is { } e ? Date(e) : State == "Licensed" ? "never (permanent)" : "-");
        if (GraceEnds is { } g)
        {
            Line(text, "Grace ends", $"{Date(g)} ({GraceDaysLeft?.ToString(CultureInfo.InvariantCulture)} days left)");
        }

        if (verbose)
        {
            Line(text, "Hardware ID", HardwareId ?? "-");
            Line(text, "Activation ID", ActivationId ?? "-");
            Line(text, "Activation check", ActivationCheck ?? "-");
            Line(text, "Rearms left", RearmsLeft?.ToString(CultureInfo.InvariantCulture) ?? "unlimited");
            Line(text, "Service", Service ?? "-");
            Line(text, "KMS host", KmsHost ?? (KmsCachedHost is { } cached ? $"{cached} (discovered through DNS)" : "(DNS discovery)"));
            if (NextRenewalDue is { } due)
            {
                Line(text, "KMS next attempt", Date(due));
            }

            Line(text, "Store", Store);
            Line(text, "Clock", ClockRollbackDetected ? "WARNING: the clock was moved back past a time already seen" : "ok");
        }

        text.Append(Output.TerminalText.Safe(Message));
        // A command's own next step may be lines of commands to run (dti: OfflineSteps); any other control character is still escaped.
        if ((nextStep is null ? NextStep() : Output.TerminalText.Safe(nextStep, keepLineBreaks: true)) is { } next)
        {
            text.Append('\n').Append(next);
        }

        return text.ToString();
    }

    /// <summary>The <c>pk</c> command that does what the message asks: the message names no tool, since products show it too.</summary>
    private string? NextStep()
    {
        var store = Output.TerminalText.Safe(Store);
        return (State, KeyType) switch
        {
            ("Licensed", Core.Keys.KeyType.KmsClientSetup) => $"Renewal: the product, or 'pk agent --store {store}', renews it; 'pk renew --store {store}' tries once now.",
            ("Licensed", _) => null,
            (_, null) => $"Next step: pk ipk KEY --product PRODUCT-ID --store {store} (your MAK from 'pk keys list', or the product's KMS client setup key from 'pk products list').",
            (_, Core.Keys.KeyType.Setup) => $"Next step: pk ipk MAK --store {store}, then pk ato --store {store}.",
            // A MAK activates at the licensing service: a store that does not know it cannot 'pk ato' alone (an air-gapped device never will).
            (_, Core.Keys.KeyType.Mak) when Service is null =>
                $"Next step: pk ato --store {store} --service URL (online), or without a network: pk dti REQUEST.json --store {store} (offline).",
            _ => $"Next step: pk ato --store {store}.",
        };
    }

    private static string Date(DateTimeOffset value) => value.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static void Line(StringBuilder text, string label, string value) =>
        text.Append(CultureInfo.InvariantCulture, $"{label + ":",-18}{Output.TerminalText.Safe(value)}\n");
}
