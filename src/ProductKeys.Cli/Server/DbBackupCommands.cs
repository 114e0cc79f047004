using System.CommandLine;
using ProductKeys.Cli.Output;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;
using ProductKeys.Data;
using ProductKeys.Data.Backup;

namespace ProductKeys.Cli.Server;

/// <summary>
/// <c>pk db backup</c> and <c>pk db restore</c>: the SQLite database of a data folder, through SQLite's
/// online backup API (a backup while nodes serve). PostgreSQL is backed up with pg_dump (docs/operations.md).
/// </summary>
internal static class DbBackupCommands
{
    private const string PostgresAdvice = "pk db backup and restore work on the SQLite database of --data; for PostgreSQL use pg_dump -Fc and pg_restore (docs/operations.md).";

    /// <summary>
    /// Taken only to be refused by name (and read from $PK_DB as the other commands read it): the shared --db's help offers
    /// PostgreSQL, which these two commands do not back up.
    /// </summary>
    private static readonly Option<string?> Db = new Option<string?>("--db")
    {
        Description = "Not taken here: a PostgreSQL database (--db or $PK_DB) is backed up with pg_dump -Fc and restored with pg_restore (docs/operations.md).",
        DefaultValueFactory = ServerCommands.FromEnvironment,
    }.NotEmpty();

    public static Command Backup()
    {
        var output = new Option<string>("--out") { Description = "The backup file to write (one SQLite file).", Required = true }.NotEmpty();
        var force = new Option<bool>("--force") { Description = "Replace an earlier backup at --out (never another kind of file, nor a live database)." };
        var command = new Command("backup", "Copy the SQLite database of --data to one file, consistently, while the server runs.")
        {
            ServerCommands.Data, Db, output, force,
        };
        command.SetAction(parseResult =>
        {
            if (parseResult.GetValue(Db) is { Length: > 0 })
            {
                return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.ValidationFailed, PostgresAdvice));
            }

            // '-' is standard output for every other file pk writes; a SQLite backup is a file SQLite writes pages into.
            if (OutputFile.IsStandardOutput(parseResult.GetValue(output)))
            {
                return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.ValidationFailed,
                    "pk db backup --out - : a backup is a SQLite file, it cannot go to standard output. Name the file to write (./- for a file called '-'), then copy or compress that file."));
            }

            var settings = DatabaseSettings.ForDataDirectory(parseResult.GetValue(ServerCommands.Data)!);
            var written = SqliteBackup.Backup(settings, parseResult.GetValue(output)!, parseResult.GetValue(force));
            return written.IsSuccess
                ? CommandOutput.Print(parseResult, written.Value, s => $"Backed up {settings.Describe()} to {s.Path}: {s.Describe()}.\n"
                    + "Keep the secrets folder (key-groups.key, signing-key.pem) with it, encrypted and apart, and note the audit head above.")
                : CommandOutput.Refuse(parseResult, written.Refusal);
        });
        return command;
    }

    public static Command Restore()
    {
        var input = new Option<string>("--from") { Description = "The backup file (written by 'pk db backup').", Required = true }.NotEmpty();
        var force = new Option<bool>("--force") { Description = "Replace the database of --data that holds data (stop its nodes first)." };
        var command = new Command("restore", "Restore a backup into the SQLite database of --data (a new folder, or --force with its nodes stopped).")
        {
            ServerCommands.Data, Db, input, force,
        };
        command.SetAction(parseResult =>
        {
            if (parseResult.GetValue(Db) is { Length: > 0 })
            {
                return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.ValidationFailed, PostgresAdvice));
            }

            var data = parseResult.GetValue(ServerCommands.Data)!;
            var settings = DatabaseSettings.ForDataDirectory(data);
            var restored = SqliteBackup.Restore(parseResult.GetValue(input)!, settings, parseResult.GetValue(force));
            return restored.IsSuccess
                ? CommandOutput.Print(parseResult, restored.Value, s => $"Restored {parseResult.GetValue(input)} into {settings.Describe()}: {s.Describe()}.\n"
                    + s.NextSteps(data))
                : CommandOutput.Refuse(parseResult, restored.Refusal);
        });
        return command;
    }
}
