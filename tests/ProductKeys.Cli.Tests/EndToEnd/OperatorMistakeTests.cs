using System.Net;
using System.Net.Sockets;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// Starting a server wrongly (a port another program holds, a malformed --urls, a database that does
/// not answer) is the operator's mistake: one line with its own code and what to do, never
/// INTERNAL_ERROR or a stack trace. Through the real binary, for pk server and pk kms-host serve.
/// </summary>
public sealed class OperatorMistakeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-operator-").FullName;

    [Theory]
    [InlineData("server")]
    [InlineData("kms-host serve")]
    [InlineData("cal-server serve")]
    public async Task A_port_already_in_use_is_ADDRESS_IN_USE(string command)
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var result = await Pk.RunAsync([.. command.Split(' '), "--data", Data(), "--urls", $"http://127.0.0.1:{port}"]);

        AssertRefused(ErrorCatalogue.AddressInUse, result);
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("server", "nonsense:url")]
    [InlineData("server", "ftp://127.0.0.1:21")]
    [InlineData("kms-host serve", "nonsense:url")]
    [InlineData("kms-host serve", "http://127.0.0.1:99999")]
    [InlineData("cal-server serve", "nonsense:url")]
    [InlineData("cal-server serve", "http://127.0.0.1:99999")]
    [InlineData("server", "http://999.1.1.1:18097")]
    [InlineData("kms-host serve", "http://kms.example:16880")]
    [InlineData("cal-server serve", "http://999.1.1.1:16881")]
    public async Task A_malformed_urls_is_URLS_INVALID(string command, string urls)
    {
        var result = await Pk.RunAsync([.. command.Split(' '), "--data", Data(), "--urls", urls]);
        AssertRefused(ErrorCatalogue.UrlsInvalid, result);
        Assert.Contains(urls, result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("server")]
    [InlineData("db migrate")]
    [InlineData("db create-admin")]
    public async Task A_database_file_SQLite_cannot_read_is_STORE_INVALID_naming_restore_and_left_as_it_was(string command)
    {
        // Overwritten by mistake (or damaged): INTERNAL_ERROR, exit 1 and "retry" before, while pk db backup said STORE_INVALID.
        var data = Data();
        Directory.CreateDirectory(data);
        var file = Path.Combine(data, "productkeys.db");
        const string Overwritten = "overwritten by mistake: this is no database, and longer than its header";
        await File.WriteAllTextAsync(file, Overwritten, TestContext.Current.CancellationToken);
        string[] more = command switch
        {
            "server" => ["--urls", $"http://127.0.0.1:{PkServerProcess.FreePort()}"],
            "db create-admin" => ["--user", "ops", "--password", "a long enough password"],
            _ => [],
        };

        var result = await Pk.RunAsync([.. command.Split(' '), "--data", data, .. more]);

        Assert.True(result.ExitCode == ErrorCatalogue.StoreInvalid.ExitCode, result.ToString());
        Assert.Contains("STORE_INVALID: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("pk db restore --force", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(Overwritten, await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("server")]
    [InlineData("db migrate")]
    public async Task A_database_that_does_not_answer_is_DATABASE_UNREACHABLE(string command)
    {
        // A loopback port nobody listens on: refused at once, nothing leaves the machine.
        var db = $"Host=127.0.0.1;Port={PkServerProcess.FreePort()};Database=pk;Username=pk;Password=pk;Timeout=5";
        string[] listen = command == "server" ? ["--urls", $"http://127.0.0.1:{PkServerProcess.FreePort()}"] : [];
        var result = await Pk.RunAsync([.. command.Split(' '), "--data", Data(), "--db", db, .. listen]);
        AssertRefused(ErrorCatalogue.DatabaseUnreachable, result);

        var malformed = await Pk.RunAsync([.. command.Split(' '), "--data", Data(), "--db", "this is not a connection string"]);
        AssertRefused(ErrorCatalogue.DatabaseUnreachable, malformed);
    }

    [Fact]
    public async Task A_database_on_an_older_schema_is_DATABASE_SCHEMA_OUTDATED_and_left_as_it_was()
    {
        // An empty SQLite file is a database at no migration at all: the oldest schema there is.
        var data = Data();
        Directory.CreateDirectory(data);
        var file = Path.Combine(data, "productkeys.db");
        await File.WriteAllBytesAsync(file, [], TestContext.Current.CancellationToken);

        var result = await Pk.RunAsync("server", "--data", data, "--urls", $"http://127.0.0.1:{PkServerProcess.FreePort()}");

        Assert.True(result.ExitCode == ErrorCatalogue.DatabaseSchemaOutdated.ExitCode, result.ToString());
        Assert.Contains("pk server: DATABASE_SCHEMA_OUTDATED: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("pk db migrate", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(file).Length);
    }

    [Theory]
    [InlineData("PK_Metrics__AllowedNetworks__0", "10.0.0.0/33", "Metrics:AllowedNetworks")]
    [InlineData("PK_Proxies__Known__0", "not-an-address", "Proxies:Known")]
    public async Task A_setting_the_server_refuses_is_VALIDATION_FAILED_naming_it(string variable, string value, string named)
    {
        var environment = new Dictionary<string, string> { [variable] = value };
        var result = await Pk.RunAsync(environment, "server", "--data", Data(), "--urls", $"http://127.0.0.1:{PkServerProcess.FreePort()}");
        AssertRefused(ErrorCatalogue.ValidationFailed, result);
        Assert.Contains(named, result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Data() => Path.Combine(_folder, Guid.NewGuid().ToString("N"));

    private static void AssertRefused(ErrorCode expected, Pk.Result result)
    {
        Assert.True(result.ExitCode == expected.ExitCode, result.ToString());
        Assert.StartsWith($"{expected.Code}: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(expected.Message, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("INTERNAL_ERROR", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }
}
