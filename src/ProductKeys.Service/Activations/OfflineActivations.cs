using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Data;
using ProductKeys.Service.Accounts;

namespace ProductKeys.Service.Activations;

/// <summary>
/// Proxy activation for air-gapped sites: a signed-in user who may see the keys of the key's
/// billing account (the key rule) submits device requests; each is activated exactly as online and
/// answered with its certificate or its refusal code.
/// </summary>
internal sealed class OfflineActivations(LicensingDbContext db, MakActivations activations)
{
    public async Task<OfflineActivationResponse> ActivateAsync(OfflineActivationRequest? request, ClaimsPrincipal user, string? address, CancellationToken ct)
    {
        if (request is null || request.Format != OfflineActivationRequest.FormatV1)
        {
            return Refused(request?.HardwareId, new Refusal(ErrorCatalogue.OfflineDataInvalid, $"Not a {OfflineActivationRequest.FormatV1} request."));
        }

        var allowed = await MayActivateAsync(request.Key, user, ct);
        if (allowed is not null)
        {
            return Refused(request.HardwareId, allowed);
        }

        var outcome = await activations.ActivateAsync(new MakActivationRequest(request.Key, request.Product, request.HardwareId), address, ct);
        return outcome.IsSuccess
            ? new OfflineActivationResponse(OfflineActivationResponse.FormatV1, request.HardwareId, outcome.Value.Certificate, null, null)
            : Refused(request.HardwareId, outcome.Refusal);
    }

    /// <summary>The key rule on the key's billing account; malformed keys fall through to the activation's own refusal.</summary>
    private async Task<Refusal?> MayActivateAsync(string? keyText, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!ProductKey.TryParse(keyText, out var key))
        {
            return null;
        }

        var accountId = await db.Keys.AsNoTracking()
            .Where(k => k.KeyGroup == key.Group && k.Serial == key.Serial && k.Type == key.Type)
            .Select(k => (Guid?)k.BillingAccountId)
            .SingleOrDefaultAsync(ct);
        if (accountId is null)
        {
            return null;
        }

        var access = await AccountAccess.FindAsync(db, user, accountId.Value, ct);
        return access.IsSuccess ? AccessRules.MayViewKeys(user, access.Value.Role) : access.Refusal;
    }

    private static OfflineActivationResponse Refused(string? hardwareId, Refusal refusal) =>
        new(OfflineActivationResponse.FormatV1, hardwareId, null, refusal.Code, refusal.Detail);
}
