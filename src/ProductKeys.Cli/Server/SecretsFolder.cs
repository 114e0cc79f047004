using System.CommandLine;

namespace ProductKeys.Cli.Server;

/// <summary>Which secrets folder an offline secrets command works on: --secrets DIR, else DATA/secrets (as <c>pk server</c> picks it).</summary>
internal sealed class SecretsFolder
{
    public Option<string?> Secrets { get; } = new("--secrets") { Description = "The secrets folder to change (default: DATA/secrets)." };

    public void AddTo(Command command)
    {
        command.Options.Add(ServerCommands.Data);
        command.Options.Add(Secrets);
    }

    public string Path(ParseResult parseResult) =>
        parseResult.GetValue(Secrets) ?? System.IO.Path.Combine(parseResult.GetValue(ServerCommands.Data)!, "secrets");
}
