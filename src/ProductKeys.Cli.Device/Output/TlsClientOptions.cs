using System.CommandLine;
using ProductKeys.Client.Tls;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Output;

/// <summary>
/// How a command that calls a server over HTTPS trusts its certificate: the system store unless given
/// <c>--pin-sha256 PIN</c> (repeatable) or <c>--ca FILE</c> (<see cref="ServerTrust"/>). A self-signed
/// development certificate is never trusted silently.
/// </summary>
internal sealed class TlsClientOptions(bool recursive = false)
{
    public Option<string[]> Pins { get; } = new("--pin-sha256")
    {
        Description = "Trust the TLS key with this pin (base64 SHA-256 of the server's public key, as the server prints it at start); repeatable.",
        AllowMultipleArgumentsPerToken = false,
        Recursive = recursive,
    };

    public Option<FileInfo?> Ca { get; } = new("--ca")
    {
        Description = "PEM file of CA certificates to trust for TLS instead of the system store.",
        Recursive = recursive,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Pins);
        command.Options.Add(Ca);
    }

    /// <summary>True when the command line gave a pin or a CA file.</summary>
    public bool Given(ParseResult parseResult) =>
        parseResult.GetValue(Pins) is { Length: > 0 } || parseResult.GetValue(Ca) is not null;

    /// <summary>
    /// The trust the command line gives, else the one remembered (a license store's or the credentials'),
    /// else the system store. A pin or CA given for a plain <c>http://</c> <paramref name="target"/> is refused:
    /// the operator asked for a checked certificate and would get none.
    /// </summary>
    public Outcome<ServerTrust> Resolve(ParseResult parseResult, Uri? target, IReadOnlyList<string>? rememberedPins = null, string? rememberedCa = null)
    {
        if (!Given(parseResult))
        {
            return ServerTrust.Create(rememberedPins ?? [], rememberedCa);
        }

        if (target is not null && target.Scheme == Uri.UriSchemeHttp)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed,
                $"--pin-sha256 and --ca check a TLS certificate, but {target} is plain http: use its https:// address, or leave them out.");
        }

        string? pem = null;
        if (parseResult.GetValue(Ca) is { } file)
        {
            var read = InputFile.Read(file, ErrorCatalogue.ValidationFailed, "--ca");
            if (!read.IsSuccess)
            {
                return read.Refusal;
            }

            pem = read.Value;
        }

        return ServerTrust.Create(parseResult.GetValue(Pins) ?? [], pem);
    }
}
