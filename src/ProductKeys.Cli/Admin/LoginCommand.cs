using System.CommandLine;
using System.Text;
using ProductKeys.AdminApi;
using ProductKeys.AdminApi.Identity;
using ProductKeys.Cli.Output;
using ProductKeys.Client.Tls;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;

namespace ProductKeys.Cli.Admin;

/// <summary><c>pk login</c>: signs in and stores the service URL and a token for the admin commands.</summary>
internal static class LoginCommand
{
    public static void AddTo(RootCommand root)
    {
        var user = new Option<string>("--user") { Description = "User name.", Required = true };
        var password = new Option<string?>("--password") { Description = "Password; default: $PK_PASSWORD, else asked on stdin." };
        var command = new Command("login", "Sign in to a licensing service and remember it (credentials file, mode 0600).")
        {
            AdminOptions.Service, AdminOptions.Profile, user, password,
        };
        AdminOptions.Tls.AddTo(command);
        command.SetAction(async (parseResult, ct) =>
        {
            var path = Credentials.DefaultPath(parseResult.GetValue(AdminOptions.Profile));
            if (Credentials.NotAFile(path) is { } notAFile)
            {
                return CommandOutput.Refuse(parseResult, notAFile);
            }

            // Without --service: the service the last 'pk login' remembered, as the option's help promises.
            var remembered = Credentials.Load(path);
            if (parseResult.GetValue(AdminOptions.Service) is null && remembered is not null && Credentials.OwnedByAnother(path) is { } notTheirs)
            {
                // The password would go to the service another user's file names.
                return CommandOutput.Refuse(parseResult, notTheirs);
            }

            var service = parseResult.GetValue(AdminOptions.Service) ?? remembered?.Service;
            if (service is null)
            {
                return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.ValidationFailed, "No service is remembered yet: pk login --service http://HOST:PORT --user NAME."));
            }

            if (!ServiceUrl.TryParse(service, out var uri))
            {
                return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.ValidationFailed, $"--service must be an http(s) URL such as http://127.0.0.1:8080, not '{service}'."));
            }

            if (ServiceClient.TimeoutProblem() is { } badTimeout)
            {
                return CommandOutput.Refuse(parseResult, badTimeout);
            }

            // The file the token goes to, checked before the password is asked for or anything sent: a session issued and then
            // not saved would stay valid, known to no one.
            if (Credentials.Unwritable(path) is { } unwritable)
            {
                return CommandOutput.Refuse(parseResult, unwritable);
            }

            var name = parseResult.GetValue(user)!;
            var secret = parseResult.GetValue(password) ?? Environment.GetEnvironmentVariable("PK_PASSWORD") ?? Prompt($"Password for {name}: ");
            if (secret.Length == 0)
            {
                // The service refuses an empty password too, but in its API's words ("Send {"user": …}"), which say nothing to
                // someone who pressed Enter at the prompt or ran 'pk login' with no terminal to type in.
                return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.ValidationFailed,
                    $"No password for {name}: give --password PASSWORD, set PK_PASSWORD, or type it when 'pk login' asks for it (an empty line is no password)."));
            }

            // TLS trust: what this command gave, else (same service) what the last 'pk login' remembered.
            var sameService = remembered is not null && remembered.Service == uri.ToString();
            var trust = AdminOptions.Tls.Resolve(parseResult, uri, sameService ? remembered!.TlsPins : null, sameService ? remembered!.TlsCertificateAuthorities : null);
            if (!trust.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, trust.Refusal);
            }

            var created = ServiceClient.Create(uri, null, trust.Value);
            if (!created.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, created.Refusal);
            }

            using var client = created.Value;
            var session = await client.PostAsync("api/v1/sessions", new SignInRequest(name, secret),
                AdminApiJsonContext.Default.SignInRequest, AdminApiJsonContext.Default.SessionResponse, ct);
            if (!session.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, session.Refusal);
            }

            var tls = trust.Value;
            try
            {
                new Credentials(uri.ToString(), session.Value.Token, name, tls.Pins.Count > 0 ? tls.Pins : null, tls.AuthoritiesPem()).Save(path);
            }
            catch (Exception e) when (OutputFile.IsWriteFailure(e))
            {
                // Written nowhere, so revoked at once rather than left valid for its lifetime.
                using var issued = ServiceClient.Create(uri, session.Value.Token, trust.Value).Value; // $PK_TIMEOUT was taken above
                var unsaved = OutputFile.Unwritable(path, Credentials.What, e);
                var revoked = await issued.DeleteAsync("api/v1/sessions/current", ct);
                return CommandOutput.Refuse(parseResult, revoked.IsSuccess ? unsaved : unsaved with
                {
                    Detail = $"{unsaved.Detail} {await StillLiveAsync(issued, name, revoked.Refusal, ct)}",
                });
            }
            var result = new LoginResult(uri.ToString(), name, session.Value.DirectoryRole, Path.GetFullPath(path));
            return CommandOutput.Print(parseResult, result, r => $"Signed in to {r.Service} as {r.User} ({r.DirectoryRole}). Credentials: {r.CredentialsFile}");
        });
        root.Subcommands.Add(command);
        root.Subcommands.Add(Logout());
    }

    /// <summary><c>pk logout</c>: revokes the stored token on the service and forgets it.</summary>
    private static Command Logout()
    {
        var command = new Command("logout", "Revoke the token 'pk login' stored, then delete the credentials file (kept when the service cannot revoke it).") { AdminOptions.Profile };
        command.SetAction(async (parseResult, ct) =>
        {
            var path = Credentials.DefaultPath(parseResult.GetValue(AdminOptions.Profile));
            if (Credentials.NotAFile(path) is { } notAFile)
            {
                return CommandOutput.Refuse(parseResult, notAFile);
            }

            if (!File.Exists(path))
            {
                // Nothing to revoke or delete: already the state the user asked for.
                return CommandOutput.Print(parseResult, new { signedOut = true, wasSignedIn = false, credentialsFile = Path.GetFullPath(path) },
                    r => $"Not signed in ({r.credentialsFile} does not exist): nothing to do.");
            }

            if (Credentials.Load(path) is { Token.Length: > 0 } stored && ServiceUrl.TryParse(stored.Service, out var uri))
            {
                var trust = ServerTrust.Create(stored.TlsPins ?? [], stored.TlsCertificateAuthorities);
                var created = ServiceClient.Create(uri, stored.Token, trust.IsSuccess ? trust.Value : ServerTrust.SystemStore);
                if (!created.IsSuccess)
                {
                    return CommandOutput.Refuse(parseResult, created.Refusal);
                }

                using var client = created.Value;
                var revoked = await client.DeleteAsync("api/v1/sessions/current", ct);
                // UNAUTHENTICATED: the service no longer knows the token (expired, revoked), so forgetting it loses nothing. Any other
                // answer left it valid: deleting the file would throw away the only copy to revoke it with, and "Signed out" would lie.
                if (!revoked.IsSuccess && revoked.Refusal.Code != ErrorCatalogue.Unauthenticated.Code)
                {
                    return CommandOutput.Refuse(parseResult, revoked.Refusal with
                    {
                        Detail = $"{revoked.Refusal.Detail.TrimEnd('.')}. The token was not revoked and {Path.GetFullPath(path)} is kept: run 'pk logout' again "
                            + $"once {uri} answers (deleting the file instead leaves the token valid until it expires).",
                    });
                }
            }

            File.Delete(path);
            return CommandOutput.Print(parseResult, new { signedOut = true, wasSignedIn = true, credentialsFile = Path.GetFullPath(path) }, _ => "Signed out.");
        });
        return command;
    }

    /// <summary>
    /// What to tell when the session a failed save left could not be revoked either: it stays valid, and no file holds its token.
    /// Its id is asked of the service with the token itself (it may answer a list but not a revoke); unknown when it does not answer.
    /// </summary>
    private static async Task<string> StillLiveAsync(ServiceClient issued, string user, Refusal whyNotRevoked, CancellationToken ct)
    {
        var sessions = await issued.GetAsync("api/v1/sessions", AdminApiJsonContext.Default.ListSessionInfo, ct);
        var id = sessions.IsSuccess ? sessions.Value.FirstOrDefault(s => s.Current)?.Id : null;
        var which = id is { } known ? $"session {known}" : "the new session (its id is unknown: it is the newest of 'pk sessions list --user " + user + "')";
        var end = id is { } revoke ? $"'pk sessions revoke {revoke}'" : "'pk sessions revoke ID'";
        return $"Revoking {which} failed too ({whyNotRevoked.Code}: {whyNotRevoked.Detail.TrimEnd('.')}): it is still valid on {issued.Service} "
            + $"until it expires. End it from a signed-in pk with {end}, or have an administrator do so.";
    }

    private static string Prompt(string label)
    {
        Console.Error.Write(label);
        if (Console.IsInputRedirected)
        {
            var line = Console.In.ReadLine() ?? "";
            Console.Error.WriteLine();
            return line;
        }

        var text = new StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace && text.Length > 0)
            {
                text.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return text.ToString();
    }

    private sealed record LoginResult(string Service, string User, string DirectoryRole, string CredentialsFile);
}
