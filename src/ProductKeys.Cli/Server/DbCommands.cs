using System.CommandLine;
using ProductKeys.Cli.Output;
using ProductKeys.Data;

namespace ProductKeys.Cli.Server;

/// <summary><c>pk db migrate</c>: the explicit schema step before starting nodes on a new version.</summary>
internal static class DbCommands
{
    public static void AddTo(RootCommand root)
    {
        var migrate = new Command("migrate", "Apply pending migrations to the service database (SQLite in --data, or PostgreSQL with --db).")
        {
            ServerCommands.Data, ServerCommands.Db,
        };
        migrate.SetAction(async (parseResult, ct) =>
        {
            var pg = parseResult.GetValue(ServerCommands.Db);
            var data = parseResult.GetValue(ServerCommands.Data)!;
            DatabaseSettings settings;
            if (pg is { Length: > 0 })
            {
                settings = DatabaseSettings.ForPostgres(pg);
            }
            else
            {
                Directory.CreateDirectory(data);
                settings = DatabaseSettings.ForDataDirectory(data);
            }

            var applied = await LicensingDatabase.MigrateAsync(settings, ct);
            return CommandOutput.Print(parseResult, new MigrationResult(settings.Describe(), applied), r =>
                r.Applied.Count == 0 ? $"{r.Database}: up to date." : $"{r.Database}: applied {string.Join(", ", r.Applied)}.");
        });
        var db = new Command("db", "The licensing service's database.") { migrate };
        root.Subcommands.Add(db);
    }

    private sealed record MigrationResult(string Database, IReadOnlyList<string> Applied);
}
