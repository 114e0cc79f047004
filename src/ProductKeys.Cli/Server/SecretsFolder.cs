using System.CommandLine;
using ProductKeys.Cli.Output;
using ProductKeys.Core.Errors;
using ProductKeys.Service.Secrets;

namespace ProductKeys.Cli.Server;

/// <summary>Which secrets folder an offline secrets command works on: --secrets DIR, else DATA/secrets (as <c>pk server</c> picks it).</summary>
internal sealed class SecretsFolder
{
    public Option<string?> Secrets { get; } = new Option<string?>("--secrets") { Description = "The secrets folder to change (default: DATA/secrets)." }.NotEmpty();

    public void AddTo(Command command)
    {
        command.Options.Add(ServerCommands.Data);
        command.Options.Add(Secrets);
    }

    /// <summary>
    /// STORE_INVALID when the folder does not exist: --data defaults to .pk/server under the current folder,
    /// so run anywhere but the folder 'pk server' was started in, these commands found nothing and said a key file was missing.
    /// And when others may write into it or read its key-group secret, as pk server refuses it (<see cref="SecretsFolderAccess"/>).
    /// </summary>
    public Refusal? Unusable(ParseResult parseResult)
    {
        var path = System.IO.Path.GetFullPath(Path(parseResult));
        return Directory.Exists(path)
            ? SecretsFolderAccess.RefuseShared(path)
            : new Refusal(ErrorCatalogue.StoreInvalid,
                $"There is no secrets folder {path}{(parseResult.GetResult(Secrets) is null && parseResult.GetResult(ServerCommands.Data) is null or { Implicit: true } ? " (the default: .pk/server/secrets under the current folder)" : "")}: "
                + "name the data folder 'pk server --data DIR' uses with --data DIR, or its secrets folder with --secrets DIR.");
    }

    public string Path(ParseResult parseResult) =>
        parseResult.GetValue(Secrets) ?? System.IO.Path.Combine(parseResult.GetValue(ServerCommands.Data)!, "secrets");
}
