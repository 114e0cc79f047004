using Npgsql;

namespace ProductKeys.Service.Tests.Infrastructure;

/// <summary>
/// The service on the real PostgreSQL of PK_TEST_POSTGRES, in a database of its own. Without the
/// variable the tests fail (run ./test.sh, which starts one); PK_SKIP_POSTGRES=1 skips them, loudly.
/// </summary>
public sealed class PostgresFixture : ServiceFixture
{
    private string? _database;

    public static string? AdminConnectionString => Environment.GetEnvironmentVariable("PK_TEST_POSTGRES");

    public static bool OptedOut => Environment.GetEnvironmentVariable("PK_SKIP_POSTGRES") == "1";

    protected override bool IsSkipped => AdminConnectionString is null && OptedOut;

    protected override void SkipIfUnavailable()
    {
        if (IsSkipped)
        {
            Assert.Skip("PostgreSQL tests SKIPPED because PK_SKIP_POSTGRES=1: nothing was checked on PostgreSQL.");
        }
    }

    protected override async Task<string?> CreateDatabaseAsync()
    {
        if (AdminConnectionString is null)
        {
            if (OptedOut)
            {
                await Console.Error.WriteLineAsync("*** PK_SKIP_POSTGRES=1: PostgreSQL tests are SKIPPED. They run in ./test.sh and CI. ***");
                return null;
            }

            throw new InvalidOperationException(
                "PK_TEST_POSTGRES is not set, so the PostgreSQL tests cannot run. Run ./test.sh (it starts a throwaway PostgreSQL), " +
                "or 'source scripts/test-postgres.sh && start_test_postgres' first; PK_SKIP_POSTGRES=1 skips them explicitly.");
        }

        (_database, var connectionString) = await CreateAsync(AdminConnectionString);
        return connectionString;
    }

    protected override async Task DropDatabaseAsync()
    {
        if (_database is not null && AdminConnectionString is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await DropAsync(AdminConnectionString, _database);
        }
    }

    /// <summary>A new, empty, uniquely named database; returns its name and connection string.</summary>
    public static async Task<(string Name, string ConnectionString)> CreateAsync(string admin)
    {
        var name = "pk_test_" + Guid.NewGuid().ToString("N")[..16];
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("CREATE DATABASE " + name, connection);
        await command.ExecuteNonQueryAsync();
        return (name, new NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString());
    }

    public static async Task DropAsync(string admin, string name)
    {
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
