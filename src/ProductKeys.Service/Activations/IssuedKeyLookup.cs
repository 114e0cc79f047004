using System.Net;
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
    // Every activation runs this query: compiled once rather than translated per request.
    private static readonly CompiledPerProvider<Func<LicensingDbContext, int, int, KeyType, CancellationToken, Task<IssuedKey?>>> KeyRow = new(() =>
        EF.CompileAsyncQuery((LicensingDbContext db, int group, int serial, KeyType type, CancellationToken ct) =>
            db.Keys.AsNoTracking().SingleOrDefault(k => k.KeyGroup == group && k.Serial == serial && k.Type == type)));

    public Outcome<ProductKey> Parse(string? text, IPAddress? client)
    {
        if (throttle.IsBlocked(client))
        {
            return new Refusal(ErrorCatalogue.RateLimited, "Too many failed key attempts from this address: wait ten minutes.");
        }

        var parsed = ProductKey.Parse(text);
        if (!parsed.IsSuccess)
        {
            throttle.RecordFailure(client);
        }

        return parsed;
    }

    public async Task<Outcome<IssuedKey>> FindAsync(ProductKey key, IPAddress? client, CancellationToken ct)
    {
        var issued = key.HasValidSecurityValue(secrets.GroupSecret(key.Group))
            ? await KeyRow.For(db)(db, key.Group, key.Serial, key.Type, ct)
            : null;
        if (issued is null)
        {
            throttle.RecordFailure(client);
            return new Refusal(ErrorCatalogue.KeyUnknown);
        }

        return issued;
    }
}
