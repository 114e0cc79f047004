using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Service.Hosting;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Persistence;

/// <summary>Migrations are an explicit step on PostgreSQL; the server names it instead of starting on an old schema.</summary>
public sealed class MigrationStepTests
{
    [Fact]
    public async Task The_server_refuses_an_unmigrated_PostgreSQL_database_and_pk_db_migrate_is_idempotent()
    {
        if (PostgresFixture.AdminConnectionString is not { } admin)
        {
            Assert.SkipWhen(PostgresFixture.OptedOut, "PostgreSQL tests SKIPPED because PK_SKIP_POSTGRES=1.");
            throw new InvalidOperationException("PK_TEST_POSTGRES is not set: run ./test.sh, or set PK_SKIP_POSTGRES=1 to skip PostgreSQL tests explicitly.");
        }

        var (name, connectionString) = await PostgresFixture.CreateAsync(admin);
        var data = Path.Combine(Path.GetTempPath(), "pk-service-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var options = new ServerOptions { DataDirectory = data, PostgresConnectionString = connectionString, Urls = "http://127.0.0.1:0" };
            var refused = await Assert.ThrowsAsync<StartRefusedException>(() => LicensingServiceHost.BuildAsync(options, TestContext.Current.CancellationToken));
            Assert.Equal(ErrorCatalogue.DatabaseSchemaOutdated, refused.Code);
            Assert.Contains("pk db migrate", refused.Message, StringComparison.Ordinal);

            var settings = DatabaseSettings.ForPostgres(connectionString);
            Assert.NotEmpty(await LicensingDatabase.MigrateAsync(settings, TestContext.Current.CancellationToken));
            Assert.Empty(await LicensingDatabase.MigrateAsync(settings, TestContext.Current.CancellationToken));
            await using var app = await LicensingServiceHost.BuildAsync(options, TestContext.Current.CancellationToken);
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await PostgresFixture.DropAsync(admin, name);
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }
}
