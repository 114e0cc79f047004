using System.Globalization;
using Microsoft.Data.Sqlite;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Kms;
using ProductKeys.Core.Signing;
using ProductKeys.KmsHost.Activation;
using ProductKeys.KmsHost.Counting;
using ProductKeys.KmsHost.Data;

namespace ProductKeys.KmsHost.Status;

/// <summary>Reads a host's status from its data folder; works while the host runs (SQLite WAL readers do not block it).</summary>
public static class KmsStatusReader
{
    /// <summary>
    /// <see cref="Read"/> for a folder given on a command line: <c>STORE_INVALID</c>, naming it and what makes one, when it
    /// does not exist or holds no KMS host (<see cref="KmsHostFolder.Existing"/>), rather than the status of a host not yet activated;
    /// <c>STORE_INVALID</c> naming <c>kms.db</c> when SQLite cannot use it (<see cref="KmsDatabase.Unusable"/>).
    /// </summary>
    public static Outcome<KmsStatusReport> ReadExisting(string dataDirectory, TimeProvider time)
    {
        var folder = KmsHostFolder.Existing(dataDirectory);
        if (!folder.IsSuccess)
        {
            return folder.Refusal;
        }

        try
        {
            return Read(folder.Value.Path, time);
        }
        catch (SqliteException e) when (KmsDatabase.Unusable(folder.Value.DatabaseFile, e) is { } damaged)
        {
            return damaged;
        }
    }

    /// <summary>Reads the status as of <paramref name="time"/>'s now. Creates nothing but the database schema.</summary>
    public static KmsStatusReport Read(string dataDirectory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var folder = new KmsHostFolder(dataDirectory);
        var hostId = File.Exists(folder.HostIdFile) ? File.ReadAllText(folder.HostIdFile).Trim() : null;
        var keyFile = Path.Combine(folder.Path, SigningKeyFile.PrivateKeyFileName);
        KmsHostCertificate? certificate = null;
        string detail;
        if (hostId is null || !File.Exists(keyFile))
        {
            detail = "Not activated: the host has no identity yet ('pk kms-host activate' creates it).";
        }
        else
        {
            var key = SigningKeyFile.Load(keyFile);
            if (!key.IsSuccess)
            {
                detail = key.Refusal.ToString();
            }
            else
            {
                using (key.Value)
                {
                    var loaded = new HostCertificateStore(folder, time).Load(hostId, key.Value.PublicKey);
                    certificate = loaded.IsSuccess ? loaded.Value : null;
                    detail = loaded.IsSuccess
                        ? $"Activated by the publisher on {loaded.Value.IssuedAt:yyyy-MM-dd} for billing account {loaded.Value.BillingAccount}."
                        : loaded.Refusal.Detail;
                }
            }
        }

        var trust = new HostCertificateStore(folder, time).LoadTrust() is { IsSuccess: true } pinned ? pinned.Value : null;
        if (!File.Exists(folder.DatabaseFile))
        {
            return new KmsStatusReport(hostId, certificate is not null, detail, certificate?.BillingAccount, certificate?.Expires,
                Products(certificate, new Dictionary<string, int>()), KmsDatabase.IsServed(folder.DatabaseFile), null, null, 0, 0, 0,
                new Dictionary<string, long>(), new Dictionary<string, long>(), null, null, [], TrustedKeyIds(trust), trust?.Sequence ?? 0);
        }

        // Asked before reading: a host that stops meanwhile is reported running, never the reverse.
        var running = KmsDatabase.IsServed(folder.DatabaseFile);
        return KmsDatabase.ReadFolded(folder.DatabaseFile, connection => Query(connection, time.GetUtcNow(), hostId, certificate, detail, running, trust));
    }

    private static List<string> TrustedKeyIds(PublisherKeyChain? trust) => [.. trust?.Trusted.Keys.Select(k => k.KeyId) ?? []];

    private static KmsStatusReport Query(
        SqliteConnection connection, DateTimeOffset now, string? hostId, KmsHostCertificate? certificate, string detail, bool running, PublisherKeyChain? trust)
    {
        var windowStart = now.ToUnixTimeSeconds() - (long)KmsProtocol.CountWindow.TotalSeconds;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        using (var command = KmsTables.Command(connection,
            "SELECT product, COUNT(*) FROM clients WHERE last_seen > $w GROUP BY product ORDER BY product;", ("$w", windowStart)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                counts[reader.GetString(0)] = reader.GetInt32(1);
            }
        }

        var counters = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var command = KmsTables.Command(connection, "SELECT name, value FROM counters;"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                counters[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        var listening = KmsTables.Scalar(connection, "SELECT value FROM meta WHERE name = $n;", ("$n", KmsHostApp.ListeningMeta)) as string;
        var port = listening?.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(a => Uri.TryCreate(a, UriKind.Absolute, out var u) ? u.Port : (int?)null).FirstOrDefault(p => p is not null);
        var warnings = new List<string>();
        using (var command = KmsTables.Command(connection,
            "SELECT cmid, COUNT(*) FROM client_hardware WHERE last_seen > $w GROUP BY cmid HAVING COUNT(*) > 1 ORDER BY COUNT(*) DESC, cmid LIMIT 20;", ("$w", windowStart)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                warnings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"CMID {reader.GetString(0)} arrived with {reader.GetInt32(1)} different hardware IDs: a cloned image? Give each machine its own CMID (reset the license store before capturing an image)."));
            }
        }

        // The other way round: many CMIDs from one machine is what one client raising the count with made-up CMIDs looks like
        // (docs/product.md §4). Flagged from 2, as a CMID with 2 hardware IDs is; a machine re-imaged in the window shows so too.
        using (var command = KmsTables.Command(connection,
            "SELECT hardware_id, COUNT(DISTINCT cmid) FROM clients WHERE last_seen > $w GROUP BY hardware_id HAVING COUNT(DISTINCT cmid) > 1 ORDER BY COUNT(DISTINCT cmid) DESC, hardware_id LIMIT 20;", ("$w", windowStart)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                warnings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"Hardware ID {reader.GetString(0)} arrived with {reader.GetInt32(1)} different CMIDs: one client making up CMIDs to reach the activation threshold, or a machine re-imaged? Find the machine; each CMID counts as a client until it leaves the 30-day window."));
            }
        }

        if (!running)
        {
            warnings.Add("The host is not running: devices cannot activate or renew until 'pk kms-host serve' runs again.");
        }

        if (certificate is null)
        {
            warnings.Add("The host is not activated: it activates nobody until 'pk kms-host activate' succeeds.");
        }

        return new KmsStatusReport(hostId, certificate is not null, detail, certificate?.BillingAccount, certificate?.Expires,
            Products(certificate, counts), running, listening, port,
            counters.GetValueOrDefault(KmsCounters.Requests), counters.GetValueOrDefault(KmsCounters.Failed), counters.GetValueOrDefault(KmsCounters.Activated),
            Prefixed(counters, KmsCounters.StatePrefix), Prefixed(counters, KmsCounters.FailedPrefix),
            Client(connection, windowStart, "ASC"), Client(connection, windowStart, "DESC"), warnings, TrustedKeyIds(trust), trust?.Sequence ?? 0, counters.GetValueOrDefault(KmsCounters.NotYet));
    }

    private static List<KmsProductCount> Products(KmsHostCertificate? certificate, Dictionary<string, int> counts)
    {
        var cap = certificate?.CountCap ?? int.MaxValue;
        var products = (certificate?.Products.Select(p => p.ProductId) ?? []).Union(counts.Keys, StringComparer.Ordinal);
        return [.. products.Select(p =>
        {
            var clients = counts.GetValueOrDefault(p);
            var count = Math.Min(clients, cap);
            var threshold = certificate?.ThresholdFor(p);
            return new KmsProductCount(p, count, threshold, threshold is { } t && count >= t, clients);
        })];
    }

    private static Dictionary<string, long> Prefixed(Dictionary<string, long> counters, string prefix) =>
        counters.Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(c => c.Key[prefix.Length..], c => c.Value, StringComparer.Ordinal);

    private static KmsClientSeen? Client(SqliteConnection connection, long windowStart, string order)
    {
        using var command = KmsTables.Command(connection,
            $"SELECT cmid, product, last_seen FROM clients WHERE last_seen > $w ORDER BY last_seen {order}, cmid LIMIT 1;", ("$w", windowStart));
        using var reader = command.ExecuteReader();
        return reader.Read() ? new KmsClientSeen(reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(2))) : null;
    }
}
