using System.Security.Cryptography;
using System.Text;
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
/// Answers one client request (docs/product.md §4): checks it, counts the client, and when the product's count
/// has reached its threshold signs a client certificate. The visit and the activation are in the
/// visit log (appended by the database's writer, together with whatever else was queued) before the
/// answer is returned.
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
    // After the last ID on disk. Before the time-ordered format IDs were random; those dated more
    // than a day ahead are not taken as the last (a random one would push every new ID decades on).
    private readonly ActivationIds _activationIds = new(database.LastActivationIdBefore(ActivationIds.Bound(time.GetUtcNow().AddDays(1))));

    public async Task<Outcome<KmsActivationResponse>> HandleAsync(KmsActivationRequest? request)
    {
        var refusal = KmsRequestValidator.Check(request);
        if (refusal is not null)
        {
            return await RefuseAsync(refusal, null);
        }

        var host = hostCertificate.Current();
        if (!host.IsSuccess)
        {
            return await RefuseAsync(host.Refusal, request!.ClientState);
        }

        var certificate = host.Value;
        var product = request!.Product!;
        if (certificate.CoverageOf(product) is not { } coverage)
        {
            return await RefuseAsync(new Refusal(ErrorCatalogue.KmsProductNotCovered,
                $"This host's certificate covers {string.Join(", ", certificate.Products.Select(p => p.ProductId))}, not '{product}'."), request.ClientState);
        }

        if (coverage.CheckKeyGroup(request.KeyGroup) is { } notForProduct)
        {
            return await RefuseAsync(notForProduct, request.ClientState);
        }

        var threshold = coverage.Threshold;

        var now = time.GetUtcNow();
        var skew = (request.ClientTime!.Value - now).Duration();
        if (skew > KmsProtocol.MaxClockSkew)
        {
            return await RefuseAsync(new Refusal(ErrorCatalogue.ClockSkew,
                $"The device clock ({request.ClientTime:u}) differs from the host's ({now:u}) by {skew.TotalHours:0.#} hours; at most {KmsProtocol.MaxClockSkew.TotalHours:0} are allowed."),
                request.ClientState);
        }

        var visit = new ClientVisit(request.Cmid!, product, request.HardwareId!, request.ClientState!, now);
        // The signature is the costly part of an answer: when the count says this client will most
        // likely be activated, sign here, in parallel with other requests, not on the single writer.
        // Only the writer decides; a certificate signed ahead for a client it does not activate is dropped.
        var ahead = database.CountHint(product) + 1 >= threshold ? Issue(certificate, visit) : null;
        Issued? issued = null;
        var count = await database.RecordVisitAsync(visit, seen =>
        {
            if (Math.Min(seen, certificate.CountCap) < threshold)
            {
                return null;
            }

            // Not signed ahead only when the count has just reached the threshold: rare, so signing on the writer is fine.
            issued = ahead ?? Issue(certificate, visit);
            return issued.Row;
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
            issued?.Certificate.Text,
            issued is null ? null : certificate.Text,
            issued is null ? null : hostCertificate.KeyLists);
    }

    private Issued Issue(KmsHostCertificate certificate, ClientVisit visit)
    {
        var activationId = _activationIds.Next(visit.At);
        var issued = KmsClientCertificate.Issue(_signer, certificate, activationId, visit.Cmid, visit.Product, visit.HardwareId, visit.At);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(issued.Text), hash);
        return new Issued(issued, new AcknowledgedActivation(activationId, issued.IssuedAt, issued.Expires, Convert.ToHexStringLower(hash[..8])));
    }

    private async Task<Refusal> RefuseAsync(Refusal refusal, string? clientState)
    {
        var state = clientState is not null && KmsRequestValidator.ClientStates.Contains(clientState) ? clientState : null;
        await database.RecordRefusalAsync(refusal.Code, state);
        LogRefused(log, refusal.Code);
        return refusal;
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug,
        Message = "KMS request for {Product} from a {ClientState} client: count {Count}/{Threshold}, activated {Activated}")]
    private static partial void LogVisit(ILogger logger, string product, string clientState, int count, int threshold, bool activated);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "KMS request refused: {Code}")]
    private static partial void LogRefused(ILogger logger, string code);

    /// <summary>A signed client certificate and the row that records it.</summary>
    private sealed record Issued(KmsClientCertificate Certificate, AcknowledgedActivation Row);
}
