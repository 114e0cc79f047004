using Microsoft.EntityFrameworkCore;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Data;
using ProductKeys.Data.Keys;
using ProductKeys.Service.Secrets;

namespace ProductKeys.Service.Activations;

/// <summary>
/// From a key as typed to the issued key row: format and checksum, the security value under the
/// group's secret (KEY_UNKNOWN for a forgery), then the row. Failed guesses feed the throttle.
/// </summary>
internal sealed class IssuedKeyLookup(LicensingDbContext db, KeySecrets secrets, GuessThrottle throttle)
{
    public Outcome<ProductKey> Parse(string? text, string? address)
    {
        if (throttle.IsBlocked(address, group: null))
        {
            return new Refusal(ErrorCatalogue.RateLimited, "Too many failed key attempts from this address: wait ten minutes.");
        }

        var parsed = ProductKey.Parse(text);
        if (!parsed.IsSuccess)
        {
            throttle.RecordFailure(address, group: null);
        }

        return parsed;
    }

    public async Task<Outcome<IssuedKey>> FindAsync(ProductKey key, string? address, CancellationToken ct)
    {
        if (throttle.IsBlocked(address, key.Group))
        {
            return new Refusal(ErrorCatalogue.RateLimited, "Too many failed attempts for keys of this product: wait ten minutes.");
        }

        var issued = key.HasValidSecurityValue(secrets.GroupSecret(key.Group))
            ? await db.Keys.AsNoTracking().SingleOrDefaultAsync(k => k.KeyGroup == key.Group && k.Serial == key.Serial && k.Type == key.Type, ct)
            : null;
        if (issued is null)
        {
            throttle.RecordFailure(address, key.Group);
            return new Refusal(ErrorCatalogue.KeyUnknown);
        }

        return issued;
    }
}
