using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ProductKeys.Cli.Tests.EndToEnd;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests;

/// <summary>
/// The bearer token 'pk login' keeps in the credentials file: it goes only to the service it was issued by, and
/// 'pk logout' forgets it only once the service has revoked it (or no longer knows it).
/// </summary>
public sealed class CredentialsTests : IDisposable
{
    private const string StoredToken = "pk_stored-token-of-the-real-service";

    private readonly string _scratch = Directory.CreateTempSubdirectory("pk-credentials-").FullName;

    private string CredentialsFile => Path.Combine(_scratch, "credentials.json");

    private Dictionary<string, string> Environment => new() { ["PK_CREDENTIALS"] = CredentialsFile, ["PK_TOKEN"] = "" };

    [Fact]
    public async Task An_admin_command_given_another_service_does_not_send_it_the_stored_token()
    {
        using var other = new RecordingServer(EmptyList);
        await SignedInToAsync("http://127.0.0.1:9/");

        var listed = await Pk.RunAsync(Environment, "orgs", "list", "--service", other.Url, "--json");

        Assert.DoesNotContain(StoredToken, other.Requests, StringComparison.Ordinal);
        Assert.Equal(ErrorCatalogue.Unauthenticated.ExitCode, listed.ExitCode);
        Assert.Contains("http://127.0.0.1:9/", Detail(listed), StringComparison.Ordinal);
        Assert.DoesNotContain(StoredToken, listed.Stdout + listed.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_command_given_the_stored_service_or_a_token_of_its_own_still_works()
    {
        using var service = new RecordingServer(EmptyList);
        await SignedInToAsync(service.Url + "/");

        Assert.Equal(0, (await Pk.RunAsync(Environment, "orgs", "list", "--service", service.Url, "--json")).ExitCode);
        Assert.Equal(0, (await Pk.RunAsync(Environment, "orgs", "list", "--json")).ExitCode);
        Assert.Contains($"Bearer {StoredToken}", service.Requests, StringComparison.Ordinal);

        using var other = new RecordingServer(EmptyList);
        Assert.Equal(0, (await Pk.RunAsync(Environment, "orgs", "list", "--service", other.Url, "--token", "pk_given-for-the-other", "--json")).ExitCode);
        Assert.Contains("Bearer pk_given-for-the-other", other.Requests, StringComparison.Ordinal);
        Assert.DoesNotContain(StoredToken, other.Requests, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--token")]
    [InlineData("PK_TOKEN")]
    public async Task A_token_with_the_line_end_of_the_file_it_came_from_is_VALIDATION_FAILED_and_not_shown(string given)
    {
        using var service = new RecordingServer(EmptyList);
        const string Token = "pk_read-from-a-windows-file\r";
        var environment = new Dictionary<string, string>(Environment);
        string[] args = ["orgs", "list", "--service", service.Url, "--json"];
        if (given == "--token")
        {
            args = [.. args, "--token", Token];
        }
        else
        {
            environment["PK_TOKEN"] = Token;
        }

        var listed = await Pk.RunAsync(environment, args);

        Assert.True(listed.ExitCode == ErrorCatalogue.ValidationFailed.ExitCode, listed.ToString());
        Assert.StartsWith(given == "--token" ? "--token holds a line break" : "$PK_TOKEN holds a line break", Detail(listed), StringComparison.Ordinal);
        Assert.DoesNotContain("read-from-a-windows-file", listed.Stdout + listed.Stderr, StringComparison.Ordinal);
        Assert.Equal("", service.Requests);
    }

    [Theory]
    [InlineData(0b110_100_100)] // 0644: left by a copy or a restore, readable by every local user
    [InlineData(0b110_110_110)] // 0666: anyone may point it at their own service
    public async Task A_credentials_file_others_may_read_or_change_is_refused_and_nothing_sent(int mode)
    {
        using var service = new RecordingServer(EmptyList);
        await SignedInToAsync(service.Url + "/");
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(CredentialsFile, (UnixFileMode)mode);

        var listed = await Pk.RunAsync(Environment, "orgs", "list", "--json");

        Assert.True(listed.ExitCode == ErrorCatalogue.Unauthenticated.ExitCode, listed.ToString());
        Assert.Contains($"The credentials file {CredentialsFile} may be read or changed by other users", Detail(listed), StringComparison.Ordinal);
        Assert.Equal("", service.Requests);

        // Owner-only again, as 'pk login' writes it: used.
        File.SetUnixFileMode(CredentialsFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal(0, (await Pk.RunAsync(Environment, "orgs", "list", "--json")).ExitCode);
    }

    [Theory]
    [InlineData("orgs list")]
    [InlineData("login")]
    public async Task Another_users_credentials_file_is_refused_and_nothing_sent(string command)
    {
        // Another local user's file where --profile points (a /tmp path), 0600 and theirs: readable to root, which then sent its
        // admin commands, or its password, to the service that user chose. Only root can hand a file to another user.
        Assert.SkipUnless(!OperatingSystem.IsWindows() && System.Environment.UserName == "root",
            "Only root can hand a file to another user; CI runs as root.");

        using var service = new RecordingServer(EmptyList);
        await SignedInToAsync(service.Url + "/");
        using (var chown = System.Diagnostics.Process.Start("chown", ["65534", CredentialsFile]))
        {
            await chown.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, chown.ExitCode);
        }

        var result = command == "login"
            ? await Pk.RunAsync(Environment, "login", "--user", "ops", "--password", "root's password", "--json")
            : await Pk.RunAsync(Environment, "orgs", "list", "--json");

        Assert.True(result.ExitCode == ErrorCatalogue.Unauthenticated.ExitCode, result.ToString());
        Assert.Contains($"The credentials file {CredentialsFile} belongs to another user", Detail(result), StringComparison.Ordinal);
        Assert.Equal("", service.Requests);
    }

    [Fact]
    public async Task Logout_while_the_service_cannot_be_reached_keeps_the_token_it_could_not_revoke_and_says_so()
    {
        await SignedInToAsync("http://127.0.0.1:9/");

        var logout = await Pk.RunAsync(Environment, "logout", "--json");

        Assert.Equal(ErrorCatalogue.ServiceUnreachable.ExitCode, logout.ExitCode);
        Assert.Contains("not revoked", Detail(logout), StringComparison.Ordinal);
        Assert.True(File.Exists(CredentialsFile), "the only copy of a token still valid on the service was deleted");
    }

    [Fact]
    public async Task Logout_forgets_a_token_the_service_no_longer_knows()
    {
        using var service = new RecordingServer(Answer("401 Unauthorized", "application/problem+json", "{\"status\":401,\"code\":\"UNAUTHENTICATED\",\"detail\":\"Sign in.\"}"));
        await SignedInToAsync(service.Url + "/");

        var logout = await Pk.RunAsync(Environment, "logout", "--json");

        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.True(logout.Json.GetProperty("wasSignedIn").GetBoolean());
        Assert.False(File.Exists(CredentialsFile));
        Assert.Contains("DELETE /api/v1/sessions/current", service.Requests, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_to_a_credentials_file_that_is_a_folder_is_refused_before_anything_is_sent()
    {
        using var service = new RecordingServer(SignedIn);
        var folder = Directory.CreateDirectory(Path.Combine(_scratch, "profile")).FullName;

        var login = await Pk.RunAsync(Environment, "login", "--service", service.Url, "--user", "ops", "--password", "a password", "--profile", folder, "--json");

        Assert.True(login.ExitCode == ErrorCatalogue.ValidationFailed.ExitCode, login.ToString());
        Assert.Contains($"The credentials file {folder} is a folder", Detail(login), StringComparison.Ordinal);
        Assert.Equal("", service.Requests);
    }

    [Fact]
    public async Task A_session_whose_credentials_cannot_be_saved_is_revoked_and_the_file_named()
    {
        using var service = new RecordingServer(SignedIn);
        var unwritable = "/proc/self/pk-credentials.json"; // its folder exists; no one, root included, creates a file there

        var login = await Pk.RunAsync(Environment, "login", "--service", service.Url, "--user", "ops", "--password", "a password", "--profile", unwritable, "--json");

        Assert.True(login.ExitCode == ErrorCatalogue.ValidationFailed.ExitCode, login.ToString());
        Assert.Contains($"The credentials file {unwritable} cannot be written", Detail(login), StringComparison.Ordinal);
        Assert.Contains("DELETE /api/v1/sessions/current", service.Requests, StringComparison.Ordinal);
        Assert.Contains("Bearer pk_issued-and-not-saved", service.Requests, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_whose_credentials_cannot_be_saved_nor_revoked_is_named_with_how_to_end_it()
    {
        const string SessionId = "6c0e1a57-2f0b-4d51-9a1e-0d3c5b7e8f90";
        using var service = new RecordingServer(
            SignedIn,
            Answer("503 Service Unavailable", "application/problem+json", "{\"status\":503,\"code\":\"SERVICE_UNAVAILABLE\",\"detail\":\"The database is not reachable.\"}"),
            Answer("200 OK", "application/json", $"[{{\"id\":\"{SessionId}\",\"user\":\"ops\",\"label\":\"cli\",\"createdAt\":\"2026-12-07T00:00:00Z\",\"expiresAt\":\"2026-12-08T00:00:00Z\",\"current\":true}}]"));
        var unwritable = "/proc/self/pk-credentials.json"; // its folder exists; no one, root included, creates a file there

        var login = await Pk.RunAsync(Environment, "login", "--service", service.Url, "--user", "ops", "--password", "a password", "--profile", unwritable, "--json");

        Assert.True(login.ExitCode == ErrorCatalogue.ValidationFailed.ExitCode, login.ToString());
        Assert.Contains($"The credentials file {unwritable} cannot be written", Detail(login), StringComparison.Ordinal);
        Assert.Contains($"Revoking session {SessionId} failed too", Detail(login), StringComparison.Ordinal);
        Assert.Contains("still valid", Detail(login), StringComparison.Ordinal);
        Assert.Contains($"'pk sessions revoke {SessionId}'", Detail(login), StringComparison.Ordinal);
        Assert.DoesNotContain("pk_issued-and-not-saved", login.Stdout + login.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static readonly string SignedIn = Answer("200 OK", "application/json",
        "{\"token\":\"pk_issued-and-not-saved\",\"user\":\"ops\",\"directoryRole\":\"PublisherAdmin\",\"organizationId\":null}");

    private static readonly string EmptyList = Answer("200 OK", "application/json", "[]");

    private static string Answer(string status, string type, string body) =>
        $"HTTP/1.1 {status}\r\nContent-Type: {type}\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";

    /// <summary>The credentials file as 'pk login' writes it, owner-only.</summary>
    private async Task SignedInToAsync(string service)
    {
        await File.WriteAllTextAsync(CredentialsFile, JsonSerializer.Serialize(new { service, token = StoredToken, user = "ops" }), TestContext.Current.CancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(CredentialsFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static string Detail(Pk.Result result) => result.Json.GetProperty("error").GetProperty("detail").GetString()!;

    /// <summary>A loopback HTTP/1.1 server that answers every request with one canned answer and keeps what it was sent.</summary>
    private sealed class RecordingServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly StringBuilder _requests = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _serving;

        /// <param name="answers">The answer to the first request, the second, …; the last one answers every request after it.</param>
        public RecordingServer(params string[] answers)
        {
            _listener.Start();
            _serving = ServeAsync([.. answers.Select(Encoding.ASCII.GetBytes)]);
        }

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        public string Requests
        {
            get
            {
                lock (_requests)
                {
                    return _requests.ToString();
                }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            try
            {
                _serving.Wait(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
            }
            catch (AggregateException)
            {
            }

            _stop.Dispose();
        }

        private async Task ServeAsync(byte[][] answers)
        {
            try
            {
                for (var served = 0; !_stop.IsCancellationRequested; served++)
                {
                    var answer = answers[Math.Min(served, answers.Length - 1)];
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    var stream = client.GetStream();
                    var head = new StringBuilder();
                    var buffer = new byte[4096];
                    while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        var read = await stream.ReadAsync(buffer, _stop.Token);
                        if (read == 0)
                        {
                            break;
                        }

                        head.Append(Encoding.ASCII.GetString(buffer, 0, read));
                    }

                    lock (_requests)
                    {
                        _requests.Append(head);
                    }

                    await stream.WriteAsync(answer, _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
            {
                // Stopped.
            }
        }
    }
}
