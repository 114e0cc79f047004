using Microsoft.Data.Sqlite;
using ProductKeys.KmsHost.Counting;

namespace ProductKeys.KmsHost.Tests;

/// <summary>A kms.db written by an earlier host opens in this one's shape.</summary>
public sealed class SchemaUpgradeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-kms-upgrade-").FullName;

    [Fact]
    public void An_earlier_database_keeps_only_the_hardware_pairs_of_clients_seen_with_several()
    {
        var path = Path.Combine(_folder, "kms.db");
        using (var earlier = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            earlier.Open();
            using var create = earlier.CreateCommand();
            // The earlier host: a client_hardware row for every client.
            create.CommandText = """
                CREATE TABLE client_hardware (cmid TEXT NOT NULL, hardware_id TEXT NOT NULL, last_seen INTEGER NOT NULL, PRIMARY KEY (cmid, hardware_id)) WITHOUT ROWID;
                INSERT INTO client_hardware VALUES ('one', 'hw-a', 1), ('two', 'hw-b', 1), ('cloned', 'hw-c', 1), ('cloned', 'hw-d', 2);
                """;
            create.ExecuteNonQuery();
        }

        using (var database = KmsDatabase.Open(path))
        {
            var left = database.Read(connection =>
            {
                using var query = connection.CreateCommand();
                query.CommandText = "SELECT cmid || '/' || hardware_id FROM client_hardware ORDER BY 1;";
                using var reader = query.ExecuteReader();
                var rows = new List<string>();
                while (reader.Read())
                {
                    rows.Add(reader.GetString(0));
                }

                return rows;
            });
            var version = database.Read(connection =>
            {
                using var query = connection.CreateCommand();
                query.CommandText = "PRAGMA user_version;";
                return Convert.ToInt64(query.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            });

            Assert.Equal(["cloned/hw-c", "cloned/hw-d"], left);
            Assert.Equal(2, version);
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
