using System.CommandLine;
using ProductKeys.Cli.Output;
using ProductKeys.Core.Errors;
using ProductKeys.Service.Secrets;

namespace ProductKeys.Cli.Server;

/// <summary>
/// <c>pk key-groups rotate|show</c>: versions of the key-group secret keys are derived from (ADR 0001, 0024).
/// A new version derives the keys issued from then on; every key issued earlier keeps its version.
/// </summary>
internal static class KeyGroupCommands
{
    public static void AddTo(RootCommand root)
    {
        var command = new Command("key-groups", "The key-group secret product keys are derived from (in the secrets folder).");
        command.Subcommands.Add(Rotate());
        command.Subcommands.Add(Show());
        root.Subcommands.Add(command);
    }

    private static Command Rotate()
    {
        var folder = new SecretsFolder();
        var command = new Command("rotate", "Write the next key-group secret version: keys issued from now on derive from it; earlier keys keep working under theirs.");
        folder.AddTo(command);
        command.SetAction(parseResult => Run(parseResult, folder, path =>
        {
            var taken = SecretsChangeLock.Take(path);
            if (!taken.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, taken.Refusal);
            }

            using var change = taken.Value;

            var version = KeySecrets.Rotate(path);
            return CommandOutput.Print(parseResult, new VersionView(version, Path.GetFullPath(path)), r =>
                $"Key-group secret version {r.Version} written. Copy {r.SecretsFolder} to every node and restart them: new orders' keys derive from version {r.Version}; "
                + "keys issued earlier keep verifying and showing under their own version.");
        }));
        return command;
    }

    private static Command Show()
    {
        var folder = new SecretsFolder();
        var command = new Command("show", "The key-group secret versions of a secrets folder.");
        folder.AddTo(command);
        command.SetAction(parseResult => Run(parseResult, folder, path =>
            CommandOutput.Print(parseResult, new VersionView(KeySecrets.LoadOrCreate(path, create: false).CurrentVersion, Path.GetFullPath(path)),
                r => $"Key-group secret versions 1 to {r.Version} in {r.SecretsFolder}; new keys derive from version {r.Version}.")));
        return command;
    }

    private static int Run(ParseResult parseResult, SecretsFolder folder, Func<string, int> action)
    {
        if (folder.Unusable(parseResult) is { } missing)
        {
            return CommandOutput.Refuse(parseResult, missing);
        }

        try
        {
            return action(folder.Path(parseResult));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.StoreInvalid, e.Message));
        }
    }

    private sealed record VersionView(int Version, string SecretsFolder);
}
