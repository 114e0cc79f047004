using Npgsql;
using ProductKeys.Data;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Backup;

/// <summary>
/// The PostgreSQL procedure of docs/operations.md, run for real: pg_dump -Fc, pg_restore into a new
/// database, a node started on it with the same secrets serves every key, count and audit entry.
/// </summary>
public sealed class PgDumpTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_pg_dump_restored_with_pg_restore_into_a_new_database_serves_everything_and_the_audit_chain_verifies()
    {
        var filled = await DeploymentData.FillAsync(fixture);
        var admin = PostgresFixture.AdminConnectionString!;
        var dump = Path.Combine(Path.GetTempPath(), $"pk-pg-{Guid.NewGuid():N}.dump");
        var (name, restored) = await PostgresFixture.CreateAsync(admin);
        try
        {
            await PostgresTools.RunAsync("pg_dump", fixture.PostgresConnectionString!, "-Fc", "-f", dump);
            await PostgresTools.RunAsync("pg_restore", restored, "--no-owner", "--exit-on-error", dump);

            var columns = await DatabaseDump.ColumnsAsync(fixture.Options.Database);
            DatabaseDump.AssertEqual(await DatabaseDump.ReadAsync(fixture.Options.Database, columns),
                await DatabaseDump.ReadAsync(DatabaseSettings.ForPostgres(restored), columns));
            await using var node = await ExtraNode.StartAsync(fixture.Options with
            {
                PostgresConnectionString = restored,
                DataDirectory = Path.Combine(fixture.DataDirectory, "restored-node"),
                SecretsDirectory = Path.Combine(fixture.DataDirectory, "secrets"),
                Migrate = false,
            });
            await DeploymentData.AssertServesTheSameAsync(fixture, node.Client, filled);
        }
        finally
        {
            File.Delete(dump);
            NpgsqlConnection.ClearAllPools();
            await PostgresFixture.DropAsync(admin, name);
        }
    }
}
