using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Kms;
using ProductKeys.Core.Signing;
using ProductKeys.KmsHost.Activation;
using ProductKeys.KmsHost.Counting;
using ProductKeys.KmsHost.Data;

namespace ProductKeys.KmsHost.Clients;

/// <summary>
/// Answers one client request (SPEC §4): checks it, counts the client, and when the product's count
/// has reached its threshold signs a client certificate. The visit and the activation are on disk
/// before the answer is returned.
/// </summary>
internal sealed partial class KmsClientActivation(
    KmsDatabase database,
    ActiveHostCertificate hostCertificate,
    KmsHostIdentity identity,
    IOptions<KmsHostOptions> options,
    TimeProvider time,
    ILogger<KmsClientActivation> log)
{
    private readonly ArtifactSigner _signer = new(identity.Key, time);

    public Outcome<KmsActivationResponse> Handle(KmsActivationRequest? request)
    {
        var refusal = KmsRequestValidator.Check(request);
        if (refusal is not null)
        {
            return Refuse(refusal, null);
        }

        var host = hostCertificate.Current();
        if (!host.IsSuccess)
        {
            return Refuse(host.Refusal, request!.ClientState);
        }

        var certificate = host.Value;
        var product = request!.Product!;
        if (certificate.ThresholdFor(product) is not { } threshold)
        {
            return Refuse(new Refusal(ErrorCatalogue.KmsProductNotCovered,
                $"This host's certificate covers {string.Join(", ", certificate.Products.Select(p => p.ProductId))}, not '{product}'."), request.ClientState);
        }

        var now = time.GetUtcNow();
        var skew = (request.ClientTime!.Value - now).Duration();
        if (skew > KmsProtocol.MaxClockSkew)
        {
            return Refuse(new Refusal(ErrorCatalogue.ClockSkew,
                $"The device clock ({request.ClientTime:u}) differs from the host's ({now:u}) by {skew.TotalHours:0.#} hours; at most {KmsProtocol.MaxClockSkew.TotalHours:0} are allowed."),
                request.ClientState);
        }

        var visit = new ClientVisit(request.Cmid!, product, request.HardwareId!, request.ClientState!, now);
        KmsClientCertificate? issued = null;
        var count = database.RecordVisit(visit, seen =>
        {
            if (Math.Min(seen, certificate.CountCap) < threshold)
            {
                return null;
            }

            var activationId = $"kmsa-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
            issued = KmsClientCertificate.Issue(_signer, certificate, activationId, visit.Cmid, product, visit.HardwareId, now);
            var fingerprint = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(issued.Text)).AsSpan(0, 8));
            return new AcknowledgedActivation(activationId, issued.IssuedAt, issued.Expires, fingerprint);
        });
        var capped = Math.Min(count, certificate.CountCap);
        LogVisit(log, product, visit.ClientState, capped, threshold, issued is not null);
        var settings = options.Value;
        return new KmsActivationResponse(
            issued is not null,
            issued is null ? ErrorCatalogue.KmsCountInsufficient.Code : null,
            capped,
            threshold,
            (int)settings.RenewalInterval.TotalMinutes,
            (int)settings.RetryInterval.TotalMinutes,
            identity.HostId,
            now,
            issued?.Text,
            issued is null ? null : certificate.Text);
    }

    private Refusal Refuse(Refusal refusal, string? clientState)
    {
        var state = clientState is not null && KmsRequestValidator.ClientStates.Contains(clientState) ? clientState : null;
        database.RecordRefusal(refusal.Code, state);
        LogRefused(log, refusal.Code);
        return refusal;
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
        Message = "KMS request for {Product} from a {ClientState} client: count {Count}/{Threshold}, activated {Activated}")]
    private static partial void LogVisit(ILogger logger, string product, string clientState, int count, int threshold, bool activated);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "KMS request refused: {Code}")]
    private static partial void LogRefused(ILogger logger, string code);
}
