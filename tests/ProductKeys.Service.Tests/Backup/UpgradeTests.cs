using Microsoft.EntityFrameworkCore;
using Npgsql;
using ProductKeys.Data;
using ProductKeys.Data.Sqlite;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Backup;

/// <summary>
/// Upgrading keeps the data: a database at an older schema, holding a deployment's rows, goes through
/// 'pk db migrate' (LicensingDatabase.MigrateAsync); every row it held is still there, and the current
/// node serves its keys, counts and a verified audit chain.
/// </summary>
public abstract class UpgradeTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    protected TFixture Fixture => fixture;

    protected async Task UpgradeFromAsync(string migration, DatabaseSettings target, string dataDirectory)
    {
        var filled = await DeploymentData.FillAsync(fixture);
        var source = fixture.Options.Database;
        var oldColumns = await OlderSchema.CreateAsync(source, target, migration);
        var before = await DatabaseDump.ReadAsync(target, oldColumns);

        var applied = await LicensingDatabase.MigrateAsync(target, TestContext.Current.CancellationToken);
        Assert.NotEmpty(applied);
        Assert.DoesNotContain(migration, applied);

        // Every row and column the old schema had is unchanged, and equals the deployment's.
        DatabaseDump.AssertEqual(before, await DatabaseDump.ReadAsync(target, oldColumns));
        DatabaseDump.AssertEqual(await DatabaseDump.ReadAsync(source, oldColumns), await DatabaseDump.ReadAsync(target, oldColumns));
        await using var node = await ExtraNode.StartAsync(fixture.Options with
        {
            DataDirectory = dataDirectory,
            PostgresConnectionString = target.Provider == DatabaseProvider.Postgres ? target.ConnectionString : null,
            SecretsDirectory = Path.Combine(fixture.DataDirectory, "secrets"),
            Migrate = false,
        });
        await DeploymentData.AssertServesTheSameAsync(fixture, node.Client, filled, withActivationRows: oldColumns.ContainsKey("MakActivations"));
    }
}

public sealed class SqliteUpgradeTests(SqliteFixture fixture) : UpgradeTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>
{
    public static TheoryData<string> Older => [.. OlderSchema.Migrations(DatabaseProvider.Sqlite)];

    [Theory]
    [MemberData(nameof(Older))]
    public async Task A_database_left_at_an_older_schema_keeps_every_row_through_migrate_and_serves(string migration)
    {
        var folder = Directory.CreateTempSubdirectory("pk-upgrade-").FullName;
        try
        {
            await UpgradeFromAsync(migration, DatabaseSettings.ForDataDirectory(folder), folder);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_migrate_cut_short_is_finished_by_the_next_one_which_runs_only_while_no_node_has_the_database()
    {
        var folder = Directory.CreateTempSubdirectory("pk-upgrade-").FullName;
        try
        {
            // What a pk db migrate killed mid-way leaves (seen: kill -9 while it migrated a new folder): EF Core's lock, held by no one.
            var file = Path.Combine(folder, DatabaseSettings.SqliteFileName);
            using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = """
                    CREATE TABLE "__EFMigrationsLock" ("Id" INTEGER NOT NULL CONSTRAINT "PK___EFMigrationsLock" PRIMARY KEY, "Timestamp" TEXT NOT NULL);
                    INSERT INTO "__EFMigrationsLock" VALUES (1, '2026-12-07 21:04:51.7478346+00:00');
                    """;
                command.ExecuteNonQuery();
            }

            var target = DatabaseSettings.ForDataDirectory(folder);
            using (SqliteServingLock.TryServe(file))
            {
                var refused = await LicensingDatabase.MigrateAloneAsync(target, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
                Assert.Equal("CONFLICT", refused.Refusal?.Code);
            }

            // Before, this waited for the lock forever (pk db migrate printed nothing; pk server said to run it).
            var migrated = await LicensingDatabase.MigrateAloneAsync(target, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
            Assert.True(migrated.IsSuccess, migrated.Refusal?.ToString());
            await using var db = LicensingDatabase.Create(target);
            Assert.Equal(db.Database.GetMigrations(), migrated.Value);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}

public sealed class PostgresUpgradeTests(PostgresFixture fixture) : UpgradeTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_database_left_at_the_previous_schema_keeps_every_row_through_migrate_and_serves()
    {
        Assert.SkipWhen(PostgresFixture.AdminConnectionString is null && PostgresFixture.OptedOut, "PostgreSQL tests SKIPPED because PK_SKIP_POSTGRES=1: nothing was checked on PostgreSQL.");
        var admin = PostgresFixture.AdminConnectionString!;
        var (name, connectionString) = await PostgresFixture.CreateAsync(admin);
        try
        {
            await UpgradeFromAsync(OlderSchema.Migrations(DatabaseProvider.Postgres)[^1], DatabaseSettings.ForPostgres(connectionString),
                Path.Combine(Fixture.DataDirectory, "upgraded-node"));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await PostgresFixture.DropAsync(admin, name);
        }
    }
}
