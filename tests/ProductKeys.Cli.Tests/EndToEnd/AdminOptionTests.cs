using System.Text.Json;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// Admin commands as a new user meets them, against a real 'pk server --demo': a wrong option value is
/// refused naming the option (not the JSON body the service reads), every product field the API takes
/// has an option, tables fit long names, and summaries count what they say they count.
/// </summary>
public sealed class AdminOptionTests(DemoServerFixture server) : IClassFixture<DemoServerFixture>
{
    private const string KmsClientSetupKeyOfContosoDesktop = "kmsClientSetupKey";

    [Theory]
    [InlineData("--key-group must be 1..1048575; it was 0", "--key-group", "0")]
    [InlineData("--category must be one of Desktop, Server, Cal; it was 'Laptop'", "--category", "Laptop")]
    [InlineData("--headroom-percent must be 100..1000; it was 50", "--headroom-percent", "50")]
    [InlineData("--kms-threshold must be 0..1000; it was 5000", "--kms-threshold", "5000")]
    [InlineData("--cal-type is for Cal products only", "--cal-type", "PerDevice")]
    [InlineData("--id must be a slug such as contoso-desktop", "--id", "Not A Slug")]
    public async Task Products_create_names_the_option_a_wrong_value_was_given_to_and_creates_nothing(string expected, string option, string value)
    {
        var id = $"p{Guid.NewGuid():N}"[..20];
        var options = new Dictionary<string, string> { ["--id"] = id, ["--name"] = "Probe", ["--category"] = "Desktop", ["--key-group"] = "900001" };
        options[option] = value;
        var create = await AsAsync("publisher-admin", ["products", "create", .. options.SelectMany(o => new[] { o.Key, o.Value }), "--json"]);

        Assert.Equal(ErrorCatalogue.ValidationFailed.ExitCode, create.ExitCode);
        Assert.Contains(expected, Detail(create), StringComparison.Ordinal);
        Assert.DoesNotContain("Send {", create.Stdout + create.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(id, (await AsAsync("publisher-admin", "products", "list")).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Products_create_takes_the_CAL_type_headroom_and_threshold_the_API_takes()
    {
        var create = await AsAsync("publisher-admin", "products", "create", "--id", "fabrikam-device-cal", "--name", "Fabrikam Device CAL",
            "--category", "cal", "--key-group", "900100", "--cal-type", "PerDevice", "--headroom-percent", "150", "--headroom-minimum", "10", "--kms-threshold", "0", "--json");

        Assert.True(create.ExitCode == 0, create.ToString());
        var product = create.Json;
        Assert.Equal("PerDevice", product.GetProperty("calType").GetString());
        Assert.Equal(150, product.GetProperty("headroomPercent").GetInt32());
        Assert.Equal(10, product.GetProperty("headroomMinimum").GetInt32());
        Assert.Equal(0, product.GetProperty("kmsThreshold").GetInt32());
    }

    [Fact]
    public async Task Products_and_keys_lists_keep_their_columns_with_a_long_product_name()
    {
        const string LongId = "fabrikam-datacenter-edition-with-a-long-id";
        Assert.Equal(0, (await AsAsync("publisher-admin", "products", "create", "--id", LongId, "--name", "Fabrikam Datacenter Edition With A Really Long Name",
            "--category", "Server", "--key-group", "900200")).ExitCode);
        Assert.Equal(0, (await AsAsync("billing-contributor", "orders", "create", "--account", server.AccountId, "--product", LongId, "--quantity", "3")).ExitCode);

        var products = await AsAsync("publisher-admin", "products", "list");
        AssertColumnStartsAlign(products.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), "SETUP KEY");
        var keys = await AsAsync("billing-contributor", "keys", "list", "--account", server.AccountId);
        AssertColumnStartsAlign(keys.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).SkipLast(1).ToArray(), "USED/LIMIT");
        Assert.Contains(LongId, keys.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("csv")]
    public async Task Export_summary_counts_the_keys_it_wrote_in_either_format(string format)
    {
        var file = Path.Combine(server.DataDirectory, $"export-{Guid.NewGuid():N}.{format}");
        var export = await AsAsync("billing-contributor", "keys", "export", "--account", server.AccountId, "--format", format, "--output", file);
        var list = await AsAsync("billing-contributor", "keys", "list", "--account", server.AccountId, "--json");

        Assert.True(export.ExitCode == 0, export.ToString());
        var count = list.Json.GetProperty("keys").GetArrayLength();
        Assert.True(count > 0);
        Assert.StartsWith($"Wrote {count} key(s) to {file} ({format.ToUpperInvariant()}, ", export.Stdout, StringComparison.Ordinal);
        if (format == "json")
        {
            using var written = JsonDocument.Parse(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
            Assert.Equal(count, written.RootElement.GetArrayLength());
        }
    }

    [Fact]
    public async Task Mak_count_of_a_KMS_client_setup_key_says_it_is_not_a_MAK()
    {
        var setupKey = server.Demo.GetProperty("products").EnumerateArray()
            .First(p => p.TryGetProperty(KmsClientSetupKeyOfContosoDesktop, out var k) && k.ValueKind == JsonValueKind.String).GetProperty(KmsClientSetupKeyOfContosoDesktop).GetString()!;
        var count = await AsAsync("billing-contributor", "mak", "count", setupKey, "--json");

        Assert.Equal(ErrorCatalogue.KeyWrongUse.ExitCode, count.ExitCode);
        Assert.Contains("That is a KMS client setup key, not a MAK", Detail(count), StringComparison.Ordinal);
        Assert.DoesNotContain("not issued", count.Stdout + count.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--quantity must be at least 1; it was 0", "orders", "create", "--product", "contoso-desktop", "--quantity", "0")]
    [InlineData("--role must be one of Owner, Contributor, Reader; it was 'Boss'", "roles", "grant", "--user", "billing-reader", "--role", "Boss")]
    public async Task Account_commands_name_the_option_a_wrong_value_was_given_to(string expected, params string[] args)
    {
        var refused = await AsAsync("billing-contributor", [.. args, "--account", server.AccountId, "--json"]);

        Assert.Equal(ErrorCatalogue.ValidationFailed.ExitCode, refused.ExitCode);
        Assert.Contains(expected, Detail(refused), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--role must be one of User, BillingAdministrator, GlobalAdministrator; it was 'Admin'", "--name", "new-user-1", "--role", "Admin", "--password", "long-enough")]
    [InlineData("--password must have 8 to 1000 characters; it has 3", "--name", "new-user-2", "--role", "User", "--password", "abc")]
    [InlineData("--name must be 1 to 100 letters, digits and . _ - @; it was 'two words'", "--name", "two words", "--role", "User", "--password", "long-enough")]
    public async Task Users_create_names_the_option_a_wrong_value_was_given_to(string expected, params string[] args)
    {
        var org = (await AsAsync("publisher-admin", "orgs", "list", "--field", "id")).Stdout.Split('\n')[0].Trim();
        var refused = await AsAsync("publisher-admin", ["users", "create", "--org", org, .. args, "--json"]);

        Assert.Equal(ErrorCatalogue.ValidationFailed.ExitCode, refused.ExitCode);
        Assert.Contains(expected, Detail(refused), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_role_typed_with_spaces_around_it_is_sent_as_the_role()
    {
        var org = (await AsAsync("publisher-admin", "orgs", "list", "--field", "id")).Stdout.Split('\n')[0].Trim();

        var created = await AsAsync("publisher-admin", "users", "create", "--org", org, "--name", "padded-role-user", "--role", " user ", "--password", "long-enough", "--json");

        Assert.True(created.ExitCode == 0, created.ToString());
    }

    /// <summary>Every line has the named column's value starting where its header starts.</summary>
    private static void AssertColumnStartsAlign(string[] lines, string header)
    {
        var column = lines[0].IndexOf(header, StringComparison.Ordinal);
        Assert.True(column > 0, lines[0]);
        Assert.All(lines.Skip(1), line =>
        {
            Assert.True(line.Length > column && line[column - 1] == ' ' && line[column - 2] == ' ' && line[column] != ' ', $"column {column} of: {line}");
        });
    }

    private Task<Pk.Result> AsAsync(string user, params string[] args)
    {
        var environment = new Dictionary<string, string> { ["PK_CREDENTIALS"] = Path.Combine(server.DataDirectory, "no-credentials.json"), ["PK_TOKEN"] = "" };
        return Pk.RunAsync(environment, [.. args, "--service", server.Url, "--token", server.Token(user)]);
    }

    private static string Detail(Pk.Result result)
    {
        using var json = JsonDocument.Parse(result.Stdout);
        return json.RootElement.GetProperty("error").GetProperty("detail").GetString()!;
    }
}
