using System.CommandLine;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Device;

/// <summary><c>pk kms set HOST[:PORT]</c> (<c>skms</c>) and <c>pk kms clear</c> (<c>ckms</c>): pin or unpin the KMS host.</summary>
internal static class KmsPinCommands
{
    public const int DefaultPort = 16880;

    public static Command Create()
    {
        var kms = new Command("kms", "Which KMS host this device uses.");
        kms.Subcommands.Add(Set("set"));
        kms.Subcommands.Add(Clear("clear"));
        return kms;
    }

    public static Command Set(string name)
    {
        var options = new DeviceOptions();
        var host = new Argument<string>("HOST[:PORT]") { Description = $"The KMS host (default port {DefaultPort}); https://HOST:PORT for a host that serves TLS." };
        var command = new Command(name, "Pin the KMS host instead of discovering it through DNS.") { host };
        options.AddTo(command);
        command.SetAction(parseResult => DeviceCommands.Run(parseResult, options, verbose: true, license =>
        {
            var text = parseResult.GetValue(host)!.Trim();
            var tls = text.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
            var bare = tls ? text["https://".Length..].TrimEnd('/') : text;
            var withPort = bare.Contains(':', StringComparison.Ordinal) ? bare : $"{bare}:{DefaultPort}";
            if (!Uri.TryCreate($"tcp://{withPort}", UriKind.Absolute, out var uri) || uri.Port is <= 0 or > 65535 || string.IsNullOrEmpty(uri.Host))
            {
                return new Refusal(ErrorCatalogue.ValidationFailed, $"'{text}' is not HOST, HOST:PORT or https://HOST:PORT.");
            }

            return license.Configure(stored => stored with { KmsHost = $"{(tls ? "https://" : "")}{uri.Host}:{uri.Port}" });
        }));
        return command;
    }

    public static Command Clear(string name)
    {
        var options = new DeviceOptions();
        var command = new Command(name, "Forget the pinned KMS host; discover it through DNS again.");
        options.AddTo(command);
        command.SetAction(parseResult => DeviceCommands.Run(parseResult, options, verbose: true,
            license => license.Configure(stored => stored with { KmsHost = null })));
        return command;
    }
}
