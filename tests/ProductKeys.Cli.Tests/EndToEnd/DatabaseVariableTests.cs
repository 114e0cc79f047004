using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// The real <c>pk server</c> takes the PostgreSQL connection string from <c>$PK_DB</c> when --db is left out: a password in --db
/// is shown to every user of the machine by ps, a process's environment only to its user and root. pk had no other way.
/// </summary>
public sealed class DatabaseVariableTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-db-variable-").FullName;

    [Fact]
    public async Task Without_db_the_server_uses_the_connection_string_in_PK_DB()
    {
        // A loopback port nobody listens on: refused at once, nothing leaves the machine. Before, PK_DB was not read: the server
        // served SQLite in --data until the test's patience ran out.
        var db = $"Host=127.0.0.1;Port={PkServerProcess.FreePort()};Database=pk;Username=pk;Password=pk;Timeout=5";
        var environment = new Dictionary<string, string> { ["PK_DB"] = db };

        var result = await Pk.RunAsync(environment, "server", "--data", Path.Combine(_folder, "data"), "--urls", $"http://127.0.0.1:{PkServerProcess.FreePort()}");

        Assert.True(result.ExitCode == ErrorCatalogue.DatabaseUnreachable.ExitCode, result.ToString());
        Assert.StartsWith("DATABASE_UNREACHABLE: ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Password=pk", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_PK_DB_set_but_empty_is_refused_not_read_as_SQLite()
    {
        var environment = new Dictionary<string, string> { ["PK_DB"] = "" };

        var result = await Pk.RunAsync(environment, "server", "--data", Path.Combine(_folder, "data"), "--urls", $"http://127.0.0.1:{PkServerProcess.FreePort()}");

        Assert.True(result.ExitCode == ErrorCatalogue.UsageInvalid.ExitCode, result.ToString());
        Assert.Contains("$PK_DB is set but empty", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder, "data")), "a SQLite data folder was made");
    }

    [Theory]
    [InlineData("server")]
    [InlineData("db migrate")]
    public async Task A_PK_DB_that_is_no_connection_string_is_named_PK_DB_and_a_db_option_is_named_db(string command)
    {
        var environment = new Dictionary<string, string> { ["PK_DB"] = "Host=127.0.0.1;Colour=blue" };
        string[] verb = command == "server" ? ["server", "--urls", $"http://127.0.0.1:{PkServerProcess.FreePort()}"] : ["db", "migrate"];

        // Before: "--db is not a PostgreSQL connection string" to an operator who gave no --db.
        var fromVariable = await Pk.RunAsync(environment, [.. verb, "--data", Path.Combine(_folder, "data")]);
        var fromOption = await Pk.RunAsync(environment, [.. verb, "--data", Path.Combine(_folder, "data"), "--db", "Host=127.0.0.1;Flavour=mint"]);

        Assert.True(fromVariable.ExitCode == ErrorCatalogue.DatabaseUnreachable.ExitCode, fromVariable.ToString());
        Assert.StartsWith("DATABASE_UNREACHABLE: $PK_DB is not a PostgreSQL connection string", fromVariable.Stderr, StringComparison.Ordinal);
        Assert.True(fromOption.ExitCode == ErrorCatalogue.DatabaseUnreachable.ExitCode, fromOption.ToString());
        Assert.StartsWith("DATABASE_UNREACHABLE: --db is not a PostgreSQL connection string", fromOption.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder, "data")), "a SQLite data folder was made");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
