using System.CommandLine;
using ProductKeys.Cli.Output;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Admin;

/// <summary>How admin commands reach the service: --service/--token, or what 'pk login' stored.</summary>
internal static class AdminOptions
{
    public static readonly Option<string?> Service = new("--service")
    {
        Description = "Licensing service URL; default: the one 'pk login' stored.",
        Recursive = true,
    };

    public static readonly Option<string?> Token = new("--token")
    {
        Description = "Bearer token; default: the one 'pk login' stored (or $PK_TOKEN).",
        Recursive = true,
    };

    public static readonly Option<string?> Profile = new("--profile")
    {
        Description = "Credentials file; default: $PK_CREDENTIALS or ~/.config/productkeys/credentials.json.",
        Recursive = true,
    };

    /// <summary>Text, not Guid: a malformed id is refused as VALIDATION_FAILED naming the option (<see cref="Id"/>), not as a parse error.</summary>
    public static readonly Option<string?> Account = new("--account")
    {
        Description = "Billing account id; may be left out when you hold a role on exactly one account.",
    };

    /// <summary>How admin commands trust the service's TLS certificate; default: what 'pk login' remembered, else the system store.</summary>
    public static readonly TlsClientOptions Tls = new(recursive: true);

    /// <summary>A command group whose subcommands all talk to the service.</summary>
    public static Command Group(string name, string description)
    {
        var command = new Command(name, description);
        command.Options.Add(Service);
        command.Options.Add(Token);
        command.Options.Add(Profile);
        Tls.AddTo(command);
        return command;
    }

    /// <summary>An id option's value: absent (null), or a GUID, or VALIDATION_FAILED saying which option and where ids come from.</summary>
    public static Outcome<Guid?> Id(ParseResult parseResult, Option<string?> option, string listCommand)
    {
        var text = parseResult.GetValue(option);
        if (text is null)
        {
            return (Guid?)null;
        }

        return Guid.TryParse(text, out var id)
            ? id
            : new Refusal(ErrorCatalogue.ValidationFailed,
                $"{option.Name} must be an id such as 3f2b8c1e-5d4a-4b7e-9c0f-1a2b3c4d5e6f; '{text}' is not one. List them with '{listCommand}'.");
    }

    public static Outcome<ServiceClient> Connect(ParseResult parseResult)
    {
        var path = Credentials.DefaultPath(parseResult.GetValue(Profile));
        if (Credentials.NotAFile(path) is { } notAFile)
        {
            return notAFile;
        }

        var stored = Credentials.Load(path);
        var service = parseResult.GetValue(Service) ?? stored?.Service;
        if (service is null)
        {
            return new Refusal(ErrorCatalogue.Unauthenticated, "Not signed in: run 'pk login --service URL --user NAME', or pass --service and --token.");
        }

        if (!ServiceUrl.TryParse(service, out var uri))
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"--service must be an http(s) URL; it was '{service}'.");
        }

        // What 'pk login' stored (its token, its TLS trust) belongs to the service it signed in to: another --service, a typo or
        // a stranger's test server, would be handed a bearer token of the real one.
        var signedIn = stored is not null && ServiceUrl.TryParse(stored.Service, out var storedUri) && storedUri.ToString() == uri.ToString() ? stored : null;
        if (stored is not null && (parseResult.GetValue(Service) is null || signedIn is not null) && Credentials.OpenToOthers(path) is { } open)
        {
            return open;
        }

        var token = parseResult.GetValue(Token)
            ?? (Environment.GetEnvironmentVariable("PK_TOKEN") is { Length: > 0 } env ? env : null)
            ?? signedIn?.Token;
        if (token is null)
        {
            return new Refusal(ErrorCatalogue.Unauthenticated, stored is null || signedIn is not null
                ? "Not signed in: run 'pk login --service URL --user NAME', or pass --service and --token."
                : $"Not signed in to {uri}: 'pk login' signed in to {stored.Service}, and its token goes to that service only. Run 'pk login --service {uri} --user NAME', or pass --token.");
        }

        if (token.Any(char.IsControl))
        {
            // A token read from a file with CRLF line ends ("$(cat token.txt)") cannot go in a header: HttpClient threw and pk said
            // INTERNAL_ERROR. Named by where it came from, never shown: it is a secret.
            var source = parseResult.GetValue(Token) is not null ? "--token" : token == signedIn?.Token ? "The credentials file's token" : "$PK_TOKEN";
            return new Refusal(ErrorCatalogue.ValidationFailed, $"{source} holds a line break or another control character, which no token has: give the token alone, without the line end of the file it came from.");
        }

        var trust = Tls.Resolve(parseResult, uri, signedIn?.TlsPins, signedIn?.TlsCertificateAuthorities);
        return trust.IsSuccess ? ServiceClient.Create(uri, token, trust.Value) : trust.Refusal;
    }
}
