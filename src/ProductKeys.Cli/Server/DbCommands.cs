using System.CommandLine;
using ProductKeys.Cli.Output;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;
using ProductKeys.Data;
using ProductKeys.Service.Hosting;

namespace ProductKeys.Cli.Server;

/// <summary><c>pk db migrate</c>: the explicit schema step before starting nodes on a new version (and <c>pk db create-admin</c>, <c>backup</c>, <c>restore</c>).</summary>
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
            if (DatabaseFailure.CheckConnectionString(pg, ServerCommands.DbSource(parseResult)) is { } badDb)
            {
                return CommandOutput.Refuse(parseResult, badDb);
            }

            var data = parseResult.GetValue(ServerCommands.Data)!;
            DatabaseSettings settings;
            if (pg is { Length: > 0 })
            {
                settings = DatabaseSettings.ForPostgres(pg);
            }
            else
            {
                PrivateFolder.Create(data); // as pk server makes it: the database holds the audit log and users
                settings = DatabaseSettings.ForDataDirectory(data);
            }

            Outcome<IReadOnlyList<string>> applied;
            try
            {
                applied = await LicensingDatabase.MigrateAloneAsync(settings, ct);
            }
            catch (Exception ex) when (DatabaseFailure.Explain(ex) is { } unreachable)
            {
                return CommandOutput.Refuse(parseResult, unreachable);
            }

            if (!applied.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, applied.Refusal);
            }

            return CommandOutput.Print(parseResult, new MigrationResult(settings.Describe(), applied.Value), r =>
                r.Applied.Count == 0 ? $"{r.Database}: up to date." : $"{r.Database}: applied {string.Join(", ", r.Applied)}.");
        });
        var db = new Command("db", "The licensing service's database.") { migrate, CreateAdmin(), DbBackupCommands.Backup(), DbBackupCommands.Restore() };
        root.Subcommands.Add(db);
    }

    /// <summary>The first publisher admin cannot be created over the API: this writes it into the database.</summary>
    private static Command CreateAdmin()
    {
        var user = new Option<string>("--user") { Description = "The publisher admin's user name.", Required = true };
        var password = new Option<string?>("--password") { Description = "Password (at least 8 characters); default: $PK_PASSWORD." };
        var command = new Command("create-admin", "Create a publisher admin (PublisherAdmin) or reset its password; prints a new API token once.")
        {
            ServerCommands.Data, ServerCommands.Db, user, password,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            var secret = parseResult.GetValue(password) ?? Environment.GetEnvironmentVariable("PK_PASSWORD");
            if (secret is not { Length: >= 8 })
            {
                return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.ValidationFailed, "Give a password of at least 8 characters with --password or $PK_PASSWORD."));
            }

            var pg = parseResult.GetValue(ServerCommands.Db);
            var settings = pg is { Length: > 0 } ? DatabaseSettings.ForPostgres(pg) : DatabaseSettings.ForDataDirectory(parseResult.GetValue(ServerCommands.Data)!);
            try
            {
                var name = parseResult.GetValue(user)!;
                var token = await PublisherAdmins.CreateAsync(settings, name, secret, ct);
                return CommandOutput.Print(parseResult, new AdminResult(name, token), r => $"Publisher admin {r.User} is ready. Token (shown once): {r.Token}");
            }
            catch (InvalidOperationException ex)
            {
                return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.Conflict, ex.Message));
            }
            catch (Exception ex) when (DatabaseFailure.Explain(ex) is { } unusable)
            {
                return CommandOutput.Refuse(parseResult, unusable);
            }
        });
        return command;
    }

    private sealed record AdminResult(string User, string Token);

    private sealed record MigrationResult(string Database, IReadOnlyList<string> Applied);
}
