using ProductKeys.Cli.Tests.EndToEnd;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests;

/// <summary>A command line pk cannot parse is a refusal like any other: a code, an exit code, JSON when asked.</summary>
public sealed class UsageTests
{
    [Theory]
    [InlineData("frobnicate --json")]
    [InlineData("dli --bogus --json")]
    [InlineData("ipk --json")]
    public async Task A_bad_command_line_with_json_prints_one_JSON_error_and_no_help(string commandLine)
    {
        var result = await Pk.RunAsync(commandLine.Split(' '));
        Assert.Equal(ErrorCatalogue.UsageInvalid.ExitCode, result.ExitCode);
        Assert.Equal(ErrorCatalogue.UsageInvalid.Code, result.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.DoesNotContain("Usage:", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--pasword", "login", "--service", "http://127.0.0.1:9", "--user", "ops", "--pasword", "S3cret-value-9f2")]
    [InlineData("--pasword", "login", "--service", "http://127.0.0.1:9", "--user", "ops", "--pasword=S3cret-value-9f2")]
    [InlineData("--token", "ipk", "G6397-BF377-H68MT-8Q93J-3XTY9", "--product", "p", "--token", "S3cret-value-9f2")]
    public async Task A_misspelt_or_misplaced_option_is_named_but_its_value_a_password_or_token_is_not_repeated(string option, params string[] args)
    {
        var result = await Pk.RunAsync(args);

        Assert.True(result.ExitCode == ErrorCatalogue.UsageInvalid.ExitCode, result.ToString());
        Assert.Contains($"'{option}' is not an option of", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("S3cret", result.Stderr + result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pk_alone_prints_its_help_and_exits_0()
    {
        // It printed the help, then "Required command was not provided." on stderr, and exited 1 (found by a new user's walkthrough).
        var result = await Pk.RunAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Usage:", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public async Task A_bad_option_without_json_says_what_was_wrong_and_where_the_help_is()
    {
        var result = await Pk.RunAsync("dli", "--bogus");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("USAGE_INVALID: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("'--bogus'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("pk status --help", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--quantity takes a whole number; 'ten' is not one", "orders", "create", "--product", "contoso-desktop", "--quantity", "ten")]
    [InlineData("--quantity needs a value, a whole number", "orders", "create", "--product", "contoso-desktop", "--quantity")]
    [InlineData("--format takes one of csv, json; 'xml' is not one", "keys", "export", "--format", "xml")]
    [InlineData("--key-group is required: Key group", "products", "create", "--id", "p", "--name", "P", "--category", "Desktop")]
    [InlineData("KEY-ID takes an id such as", "keys", "show", "not-a-guid")]
    [InlineData("--trust was given an empty value; it takes a file name", "ipk", "G6397-BF377-H68MT-8Q93J-3XTY9", "--trust", "")]
    [InlineData("KEY is missing: The product key", "ipk")]
    [InlineData("--data was given an empty value. The KMS host's data folder", "kms-host", "activate", "--data", "", "--key", "X")]
    [InlineData("--data was given an empty value. The CAL server's data folder", "cal-server", "report", "--data", "")]
    [InlineData("--data was given an empty value. Data folder", "server", "--data", "")]
    [InlineData("--secrets was given an empty value", "publisher-keys", "show", "--secrets", "")]
    [InlineData("--db was given an empty value. PostgreSQL instead of SQLite", "server", "--db", "", "--data", "unused")]
    [InlineData("--db was given an empty value. PostgreSQL instead of SQLite", "db", "migrate", "--db", "")]
    [InlineData("--db was given an empty value. Not taken here: a P", "db", "backup", "--db", " ", "--out", "unused.db")]
    [InlineData("--from was given an empty value", "db", "restore", "--data", "unused", "--from", "")]
    [InlineData("'pk products' needs one of its commands: list, create", "products")]
    public async Task A_parse_error_names_the_option_and_what_it_takes_in_plain_words(string expected, params string[] args)
    {
        var result = await Pk.RunAsync(["--json", .. args]);

        Assert.Equal(ErrorCatalogue.UsageInvalid.ExitCode, result.ExitCode);
        var detail = result.Json.GetProperty("error").GetProperty("detail").GetString()!;
        Assert.Contains(expected, detail, StringComparison.Ordinal);
        // System.CommandLine's own words named .NET types and escaped the line breaks of its lists.
        Assert.DoesNotContain("System.", detail, StringComparison.Ordinal);
        Assert.DoesNotContain('\t', detail);
        Assert.DoesNotContain("Cannot parse argument", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void No_message_sends_the_user_to_a_portal_that_does_not_exist()
    {
        Assert.All(ErrorCatalogue.All, e => Assert.DoesNotContain("portal", e.Message, StringComparison.OrdinalIgnoreCase));
        Assert.Contains("pk keys list", ErrorCatalogue.KeyUnknown.Message, StringComparison.Ordinal);
    }
}
