using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ProductKeys.AdminApi.Keys;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Data;
using ProductKeys.Service.Accounts;
using ProductKeys.Service.Activations;
using ProductKeys.Service.ApiDocs;
using ProductKeys.Service.Errors;

namespace ProductKeys.Service.Keys;

/// <summary>
/// <c>pk mak count KEY</c>: a key's usage from the key itself. The key travels in the body, never in a URL.
/// Customers need the key rule on the key's account; publisher staff may look up any key.
/// </summary>
internal static class KeyLookupEndpoints
{
    public static RouteGroupBuilder MapKeyLookup(this RouteGroupBuilder api)
    {
        api.MapPost("/keys/lookup", LookupAsync).WithTags(ApiTags.ProductKeys)
            .Describe("LookUpKey", "A key's type, product and activations used, from the key itself (in the body, never in a URL).")
            .Refuses(ErrorCatalogue.KeyMalformed, ErrorCatalogue.KeyChecksum, ErrorCatalogue.KeyUnknown, ErrorCatalogue.KeyWrongUse, ErrorCatalogue.SecretsMismatch, ErrorCatalogue.RateLimited,
                ErrorCatalogue.ForbiddenNotBillingAdmin, ErrorCatalogue.ForbiddenNotAccountOwnerOrContributor)
            .Example(new LookupRequest("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX"), new KeyMetadata(
                Guid.Parse("6a0e1c9b-3f2d-4b8a-9e7c-5d4f3a2b1c0e"), "3XTY9", KeyType.Mak, "contoso-desktop", Guid.Parse("2b7c9e1f-8a4d-4c3b-b6e5-0f1a2d3c4b5a"),
                Guid.Parse("8e3f5a1c-7b2d-4e9f-a0c1-b2d3e4f5a6b7"), ActivationsUsed: 13, ActivationLimit: 125, KeyStatus.Active));
        return api;
    }

    private static async Task<Results<Ok<KeyMetadata>, ProblemHttpResult>> LookupAsync(
        LookupRequest request, ClaimsPrincipal user, LicensingDbContext db, IssuedKeyLookup lookup, HttpContext http, CancellationToken ct)
    {
        var client = http.Connection.RemoteIpAddress;
        var parsed = lookup.Parse(request.Key, client);
        if (!parsed.IsSuccess)
        {
            return ApiProblems.From(parsed.Refusal);
        }

        // Public keys, the same for every customer, are issued to nobody: "unknown" would send the caller
        // looking for a forgery (docs/api.md, as 'pk mak count' says before it asks).
        switch (parsed.Value.Type)
        {
            case KeyType.Setup:
                return ApiProblems.From(new Refusal(ErrorCatalogue.KeyWrongUse,
                    "That is a product's setup key, not a MAK: it is public, only installs the product and has no count. Look up a MAK or a KMS host key."));
            case KeyType.KmsClientSetup:
                return ApiProblems.From(new Refusal(ErrorCatalogue.KeyWrongUse,
                    "That is a product's KMS client setup key, not a MAK: it is public and activates through a KMS host without a count. Look up a MAK or a KMS host key."));
        }

        var found = await lookup.FindAsync(parsed.Value, client, ct);
        if (!found.IsSuccess)
        {
            return ApiProblems.From(found.Refusal);
        }

        var row = found.Value;

        if (!AccessRules.IsPublisherStaff(user))
        {
            var access = await AccountAccess.FindAsync(db, user, row.BillingAccountId, ct);
            if (!access.IsSuccess)
            {
                // Another customer's key: as unknown as a forgery.
                return ApiProblems.From(ErrorCatalogue.KeyUnknown);
            }

            if (AccessRules.MayViewKeys(user, access.Value.Role) is { } refusal)
            {
                return ApiProblems.From(refusal);
            }
        }

        return TypedResults.Ok(KeyWire.Metadata(row));
    }
}
