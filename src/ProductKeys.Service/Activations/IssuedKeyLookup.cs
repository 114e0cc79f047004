using System.Data.Common;
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
            ? await FindRowAsync(key, ct)
            : null;
        if (issued is null)
        {
            throttle.RecordFailure(client);
            return new Refusal(ErrorCatalogue.KeyUnknown);
        }

        return issued;
    }

    /// <summary>
    /// The key's row, read straight: every activation runs this, and through EF Core's query
    /// pipeline (even compiled) it cost several times the database's work.
    /// </summary>
    private async Task<IssuedKey?> FindRowAsync(ProductKey key, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = """
            SELECT "Id", "BillingAccountId", "OrderId", "KeyPackageId", "ProductId", "ActivationLimit", "ActivationsUsed", "Status", "PartialKey"
            FROM "Keys" WHERE "KeyGroup" = @group AND "Serial" = @serial AND "Type" = @type
            """;
        Bind(command, "group", key.Group);
        Bind(command, "serial", key.Serial);
        Bind(command, "type", key.Type.ToString());
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new IssuedKey
        {
            Id = reader.GetGuid(0),
            BillingAccountId = reader.GetGuid(1),
            OrderId = reader.GetGuid(2),
            KeyPackageId = reader.GetGuid(3),
            ProductId = reader.GetString(4),
            Type = key.Type,
            KeyGroup = key.Group,
            Serial = key.Serial,
            ActivationLimit = reader.GetInt32(5),
            ActivationsUsed = reader.GetInt32(6),
            Status = Enum.Parse<KeyStatus>(reader.GetString(7)),
            PartialKey = reader.GetString(8),
        };
    }

    private static void Bind(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
