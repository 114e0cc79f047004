using System.Net;
using System.Net.Sockets;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// The real <c>pk</c> against a service that accepts connections and never answers (a hostile or wedged one): admin commands
/// waited forever, <c>pk login</c> with a password sent. They now give up after <c>$PK_TIMEOUT</c> seconds (default 300) with
/// SERVICE_UNREACHABLE saying so.
/// </summary>
public sealed class SilentServiceTests : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private volatile bool _headersOnly;

    public SilentServiceTests()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    private string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    [Theory]
    [InlineData("orgs list")]
    [InlineData("login")]
    [InlineData("keys export")]
    public async Task A_service_that_never_answers_is_SERVICE_UNREACHABLE_after_PK_TIMEOUT(string command)
    {
        var environment = new Dictionary<string, string> { ["PK_TIMEOUT"] = "2", ["PK_CREDENTIALS"] = Path.Combine(Path.GetTempPath(), $"pk-silent-{Guid.NewGuid():N}.json") };
        string[] args = command switch
        {
            "login" => ["login", "--service", Url, "--user", "ops", "--password", "a password", "--json"],
            "keys export" => ["keys", "export", "--account", "6c0e1a57-2f0b-4d51-9a1e-0d3c5b7e8f90", "--service", Url, "--token", "pk_unused", "--json"],
            _ => ["orgs", "list", "--service", Url, "--token", "pk_unused", "--json"],
        };

        // Before: pk waited until Pk.RunAsync killed it.
        var result = await Pk.RunAsync(environment, args);

        Assert.True(result.ExitCode == ErrorCatalogue.ServiceUnreachable.ExitCode, result.ToString());
        Assert.Contains("did not answer within 2 s", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc", "orgs list")]
    [InlineData("-5", "orgs list")]
    [InlineData("0", "login")]
    [InlineData("99999999", "orgs list")]
    [InlineData("5000000", "logout")]
    public async Task A_PK_TIMEOUT_that_is_not_seconds_from_1_to_a_day_is_USAGE_INVALID_naming_it(string timeout, string command)
    {
        var credentials = Path.Combine(Path.GetTempPath(), $"pk-silent-{Guid.NewGuid():N}.json");
        var environment = new Dictionary<string, string> { ["PK_TIMEOUT"] = timeout, ["PK_CREDENTIALS"] = credentials };
        if (command == "logout")
        {
            await File.WriteAllTextAsync(credentials, $$"""{"service": "{{Url}}/", "token": "pk_unused", "user": "ops"}""", TestContext.Current.CancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(credentials, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        string[] args = command switch
        {
            "login" => ["login", "--service", Url, "--user", "ops", "--password", "a password"],
            "logout" => ["logout"],
            _ => ["orgs", "list", "--service", Url, "--token", "pk_unused"],
        };

        // Before: 'abc', -5 and 0 were silently 300 s, 99999999 and 5000000 a day; the silent service held pk until Pk.RunAsync killed it.
        var result = await Pk.RunAsync(environment, args);
        File.Delete(credentials);

        Assert.True(result.ExitCode == ErrorCatalogue.UsageInvalid.ExitCode, result.ToString());
        Assert.StartsWith($"USAGE_INVALID: $PK_TIMEOUT takes a whole number of seconds from 1 to 86400 (a day); '{timeout}' is not one.", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task An_empty_PK_TIMEOUT_is_the_default_not_USAGE_INVALID(string timeout)
    {
        // A port nothing listens on: the connection is refused at once, whatever the timeout.
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var environment = new Dictionary<string, string> { ["PK_TIMEOUT"] = timeout, ["PK_CREDENTIALS"] = Path.Combine(Path.GetTempPath(), $"pk-silent-{Guid.NewGuid():N}.json") };

        // Before: systemd's Environment=PK_TIMEOUT= (or an unset compose variable) made every admin command USAGE_INVALID.
        var result = await Pk.RunAsync(environment, "orgs", "list", "--service", $"http://127.0.0.1:{port}", "--token", "pk_unused");

        Assert.True(result.ExitCode == ErrorCatalogue.ServiceUnreachable.ExitCode, result.ToString());
    }

    [Fact]
    public async Task A_PK_TIMEOUT_with_spaces_around_its_seconds_is_taken()
    {
        var environment = new Dictionary<string, string> { ["PK_TIMEOUT"] = " 2 ", ["PK_CREDENTIALS"] = Path.Combine(Path.GetTempPath(), $"pk-silent-{Guid.NewGuid():N}.json") };

        // Before: ' 2 ' was USAGE_INVALID.
        var result = await Pk.RunAsync(environment, "orgs", "list", "--service", Url, "--token", "pk_unused");

        Assert.True(result.ExitCode == ErrorCatalogue.ServiceUnreachable.ExitCode, result.ToString());
        Assert.Contains("did not answer within 2 s", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_export_whose_body_stops_coming_is_SERVICE_UNREACHABLE_after_PK_TIMEOUT_and_leaves_no_file()
    {
        _headersOnly = true;
        var file = Path.Combine(Path.GetTempPath(), $"pk-silent-{Guid.NewGuid():N}.csv");
        var environment = new Dictionary<string, string> { ["PK_TIMEOUT"] = "2", ["PK_CREDENTIALS"] = file + ".credentials" };

        // Before: pk waited for the rest of the body until Pk.RunAsync killed it.
        var result = await Pk.RunAsync(environment, "keys", "export", "--account", "6c0e1a57-2f0b-4d51-9a1e-0d3c5b7e8f90", "--service", Url, "--token", "pk_unused", "-o", file);

        Assert.True(result.ExitCode == ErrorCatalogue.ServiceUnreachable.ExitCode, result.ToString());
        Assert.Contains("sent nothing for 2 s", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(file), "part of an export was left");
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _accepting.Wait(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        }
        catch (AggregateException)
        {
        }

        lock (_held)
        {
            _held.ForEach(c => c.Dispose());
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_held)
                {
                    _held.Add(client); // read nothing, answer nothing
                }

                if (_headersOnly)
                {
                    // An answer begun and never finished: headers, then not one byte of the body.
                    await client.GetStream().WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray(), _stop.Token);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
            // Stopped.
        }
    }
}
