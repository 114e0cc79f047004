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

    private static readonly Option<bool> Force = new("--force") { Description = "Replace an existing file (backup) or a database that holds data (restore)." };

    public static Command Backup()
    {
        var output = new Option<string>("--out") { Description = "The backup file to write (one SQLite file).", Required = true }.NotEmpty();
        var command = new Command("backup", "Copy the SQLite database of --data to one file, consistently, while the server runs.")
        {
            ServerCommands.Data, ServerCommands.Db, output, Force,
        };
        command.SetAction(parseResult =>
        {
            if (parseResult.GetValue(ServerCommands.Db) is { Length: > 0 })
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
            var written = SqliteBackup.Backup(settings, parseResult.GetValue(output)!, parseResult.GetValue(Force));
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
        var command = new Command("restore", "Restore a backup into the SQLite database of --data (a new folder, or --force with its nodes stopped).")
        {
            ServerCommands.Data, ServerCommands.Db, input, Force,
        };
        command.SetAction(parseResult =>
        {
            if (parseResult.GetValue(ServerCommands.Db) is { Length: > 0 })
            {
                return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.ValidationFailed, PostgresAdvice));
            }

            var data = parseResult.GetValue(ServerCommands.Data)!;
            var settings = DatabaseSettings.ForDataDirectory(data);
            var restored = SqliteBackup.Restore(parseResult.GetValue(input)!, settings, parseResult.GetValue(Force));
            return restored.IsSuccess
                ? CommandOutput.Print(parseResult, restored.Value, s => $"Restored {parseResult.GetValue(input)} into {settings.Describe()}: {s.Describe()}.\n"
                    + s.NextSteps(data))
                : CommandOutput.Refuse(parseResult, restored.Refusal);
        });
        return command;
    }
}
