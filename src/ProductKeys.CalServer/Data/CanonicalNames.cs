using Microsoft.Data.Sqlite;
using ProductKeys.Core.Cal;

namespace ProductKeys.CalServer.Data;

/// <summary>
/// Brings a ledger written before names were kept in one form (<see cref="CalPolicy.CanonicalName"/>) to that form, once
/// (<c>PRAGMA user_version</c> 1), when it is opened. Rows whose names are one user or device ("Alice" and "alice") become one row:
/// the row of a CAL still held (an installed user CAL, a permanent device CAL, within its hold at the ledger's time) wins, the
/// latest used among them, else the latest used row; it is kept whole, never mixed with the others. So the merged ledger never
/// holds more installed user CALs or permanent device CALs than before, and never more permanent ones than installed.
/// </summary>
internal static class CanonicalNames
{
    private const long Version = 1;

    /// <summary>Merges the rows of names that are one user or device, in one transaction, unless this ledger already did.</summary>
    public static void Apply(SqliteConnection connection)
    {
        if (CalTables.Scalar(connection, "PRAGMA user_version") >= Version)
        {
            return;
        }

        CalTables.Execute(connection, "BEGIN IMMEDIATE");
        try
        {
            var now = LedgerClock.Kept(CalTables.Scalar(connection, LedgerClock.ReadSql));
            Merge(connection, "user_cals", "user", "pool = 'Installed'", now - (long)CalPolicy.UserCalHeld.TotalSeconds);
            Merge(connection, "device_cals", "device", "kind = 'Permanent'", now - (long)CalPolicy.PermanentDeviceCalIdle.TotalSeconds);
            CalTables.Execute(connection, $"PRAGMA user_version = {Version}");
            CalTables.Execute(connection, "COMMIT");
        }
        catch
        {
            CalTables.Execute(connection, "ROLLBACK");
            throw;
        }
    }

    /// <summary>Each group of rows whose names have one canonical form becomes its winner, under the canonical name.</summary>
    private static void Merge(SqliteConnection connection, string table, string column, string held, long cutoff)
    {
        var groups = new Dictionary<string, List<(string Name, bool Held, long LastUsed)>>(StringComparer.Ordinal);
        using (var read = CalTables.Command(connection, $"SELECT {column}, ({held}) AND last_used >= @cutoff, last_used FROM {table}", ("@cutoff", cutoff)))
        using (var reader = read.ExecuteReader())
        {
            while (reader.Read())
            {
                var name = reader.GetString(0);
                // A name the server would not accept now (none was written so) stays as it is.
                var canonical = CalPolicy.IsName(name) ? CalPolicy.CanonicalName(name) : name;
                if (!groups.TryGetValue(canonical, out var rows))
                {
                    groups[canonical] = rows = [];
                }

                rows.Add((name, reader.GetInt64(1) != 0, reader.GetInt64(2)));
            }
        }

        foreach (var (canonical, rows) in groups)
        {
            if (rows is [{ } only] && only.Name == canonical)
            {
                continue;
            }

            var winner = rows.OrderByDescending(r => r.Held).ThenByDescending(r => r.LastUsed).ThenBy(r => r.Name, StringComparer.Ordinal).First();
            foreach (var row in rows.Where(r => r.Name != winner.Name))
            {
                CalTables.Execute(connection, $"DELETE FROM {table} WHERE {column} = @name", ("@name", row.Name));
            }

            CalTables.Execute(connection, $"UPDATE {table} SET {column} = @canonical WHERE {column} = @name", ("@canonical", canonical), ("@name", winner.Name));
        }
    }
}
