using System.Text.Json;
using ProductKeys.Cli.Tests.EndToEnd;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;

namespace ProductKeys.Cli.Tests;

/// <summary>
/// Files and folders a new user gets wrong, with no service needed to find out: each is refused
/// naming the file and what it should be, and nothing is sent or written.
/// </summary>
public sealed class NewUserInputTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("pk-new-user-").FullName;

    /// <summary>A service nobody listens on: a command that got as far as asking it would say SERVICE_UNREACHABLE.</summary>
    private IReadOnlyDictionary<string, string> NotSignedIn => new Dictionary<string, string>
    {
        ["PK_CREDENTIALS"] = Path.Combine(_scratch, "credentials.json"),
        ["PK_TOKEN"] = "",
    };

    private static readonly string[] Auth = ["--service", "http://127.0.0.1:9", "--token", "t"];

    [Fact]
    public async Task Usage_upload_of_a_missing_file_says_the_file_does_not_exist()
    {
        var missing = Path.Combine(_scratch, "report.txt");
        var upload = await Pk.RunAsync(NotSignedIn, ["usage", "upload", missing, .. Auth, "--json"]);

        Assert.Equal(ErrorCatalogue.ValidationFailed.ExitCode, upload.ExitCode);
        Assert.Contains($"{missing} does not exist", Detail(upload), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_upload_names_a_missing_file_before_asking_anyone_to_sign_in()
    {
        var missing = Path.Combine(_scratch, "report.txt");
        var upload = await Pk.RunAsync(NotSignedIn, ["usage", "upload", missing, "--service", "http://127.0.0.1:9", "--json"]);

        Assert.Equal(ErrorCatalogue.ValidationFailed.ExitCode, upload.ExitCode);
        Assert.Contains($"{missing} does not exist", Detail(upload), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_upload_of_an_empty_file_says_it_is_empty_and_what_to_give()
    {
        var empty = Path.Combine(_scratch, "report.txt");
        await File.WriteAllTextAsync(empty, "\n", TestContext.Current.CancellationToken);
        var upload = await Pk.RunAsync(NotSignedIn, ["usage", "upload", empty, .. Auth, "--json"]);

        Assert.Equal(ErrorCatalogue.ValidationFailed.ExitCode, upload.ExitCode);
        Assert.Contains($"{empty} is empty", Detail(upload), StringComparison.Ordinal);
        Assert.Contains("report --signed", Detail(upload), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing.json", "does not exist")]
    [InlineData("empty.json", "is empty")]
    public async Task Offline_activate_of_a_missing_or_empty_request_says_so_and_writes_nothing(string name, string says)
    {
        await File.WriteAllTextAsync(Path.Combine(_scratch, "empty.json"), "", TestContext.Current.CancellationToken);
        var output = Path.Combine(_scratch, "out");
        var activate = await Pk.RunAsync(NotSignedIn, ["offline", "activate", Path.Combine(_scratch, name), "--out", output, .. Auth, "--json"]);

        Assert.Equal(ErrorCatalogue.ValidationFailed.ExitCode, activate.ExitCode);
        Assert.Contains($"{Path.Combine(_scratch, name)} {says}; nothing was activated", Detail(activate), StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    /// <summary>
    /// A KMS host's or CAL server's request of a newer format, or a response given back, went to the device batch: "Not a
    /// pk-offline-request-v1 request." in a device response file, and "on each device: pk atp RESPONSE".
    /// </summary>
    [Theory]
    [InlineData("pk-kms-host-request-v2", "is a KMS host request ('pk kms-host activate --offline-request') in format pk-kms-host-request-v2, which this pk does not read (it reads pk-kms-host-request-v1)")]
    [InlineData("pk-cal-pack-request-v2", "is a CAL server's pack request ('pk cal-server install-pack --offline-request') in format pk-cal-pack-request-v2, which this pk does not read (it reads pk-cal-pack-request-v1)")]
    [InlineData("pk-kms-host-response-v1", "is a KMS host's response that 'pk offline activate' wrote, not a request: install it on the KMS host with 'pk kms-host activate --data DIR --offline-response FILE")]
    public async Task Offline_activate_of_a_KMS_or_CAL_request_it_cannot_read_or_of_a_response_says_what_the_file_is_and_activates_nothing(string format, string says)
    {
        var request = Path.Combine(_scratch, "host.json");
        await File.WriteAllTextAsync(request, $$"""{"format": "{{format}}", "key": "H6FWH-XKYXK-BXXTM-9BKWX-Q9P9V", "hostId": "kmsh-1"}""", TestContext.Current.CancellationToken);
        var output = Path.Combine(_scratch, "out");

        var activate = await Pk.RunAsync(NotSignedIn, ["offline", "activate", request, "--out", output, .. Auth, "--json"]);

        Assert.True(activate.ExitCode == ErrorCatalogue.OfflineDataInvalid.ExitCode, activate.ToString());
        Assert.Contains($"REQUESTS: {request} {says}", Detail(activate), StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task Offline_activate_of_a_folder_holding_a_file_over_1_MiB_names_it_and_activates_nothing()
    {
        // Before: each *.json was read whole (a 700 MB one was INTERNAL_ERROR, out of memory); a request is a few KB.
        var folder = Directory.CreateDirectory(Path.Combine(_scratch, "requests")).FullName;
        var large = Path.Combine(folder, "large.json");
        await File.WriteAllTextAsync(large, "{" + new string(' ', InputText.MaxBytes) + "}", TestContext.Current.CancellationToken);
        var output = Path.Combine(_scratch, "out");

        var activate = await Pk.RunAsync(NotSignedIn, ["offline", "activate", folder, "--out", output, .. Auth, "--json"]);

        Assert.True(activate.ExitCode == ErrorCatalogue.OfflineDataInvalid.ExitCode, activate.ToString());
        Assert.Contains($"REQUESTS: {large} is larger than 1 MiB", Detail(activate), StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData("hello, not a key\n", "is not a PEM public key")]
    [InlineData("", "is empty")]
    public async Task A_trust_file_that_is_not_PEM_says_so_and_installs_nothing(string content, string says)
    {
        var trust = Path.Combine(_scratch, "keys.pem");
        await File.WriteAllTextAsync(trust, content, TestContext.Current.CancellationToken);
        var store = Path.Combine(_scratch, "store");
        var installed = await Pk.RunAsync("ipk", "G6397-BF377-H68MT-8Q93J-3XTY9", "--product", "contoso-desktop", "--store", store, "--trust", trust, "--json");

        Assert.Equal(ErrorCatalogue.ValidationFailed.ExitCode, installed.ExitCode);
        Assert.Contains($"{trust} {says}", Detail(installed), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(store, "license.json")));
    }

    [Theory]
    [InlineData("nosuch", new string[0], "The result has no 'nosuch': no object in it has that member; its members are ")]
    [InlineData("partialKey", new[] { "--where", "type=Mak" }, "The result has no 'partialKey' where type=Mak: the objects with 'partialKey' have no member 'type' (names are case-sensitive); theirs are ")]
    [InlineData("partialKey", new[] { "--where", "keyType=Kms" }, "The result has no 'partialKey' where keyType=Kms: no object with it matches every --where")]
    public async Task A_field_or_where_that_matches_nothing_names_the_members_there_are(string field, string[] where, string says)
    {
        // A new administrator's walkthrough: 'pk keys list --field key --where order=ID' answered only NOT_FOUND's "check the name,
        // id or path", the member being 'orderId'.
        var store = Path.Combine(_scratch, "store");
        Assert.Equal(0, (await Pk.RunAsync("ipk", "G6397-BF377-H68MT-8Q93J-3XTY9", "--product", "desktop", "--store", store, "--device-id", "d1")).ExitCode);

        var selected = await Pk.RunAsync(["dli", "--store", store, "--field", field, .. where]);

        Assert.Equal(ErrorCatalogue.NotFound.ExitCode, selected.ExitCode);
        Assert.Contains(says, selected.Stderr, StringComparison.Ordinal);
        if (!says.Contains("matches every", StringComparison.Ordinal))
        {
            Assert.Contains("keyType", selected.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Status_of_a_store_without_a_key_says_what_to_run_next()
    {
        var store = Path.Combine(_scratch, "store");
        var status = await Pk.RunAsync("dli", "--store", store);

        Assert.Equal(0, status.ExitCode);
        Assert.DoesNotContain("(no product)", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("no product key installed", status.Stdout, StringComparison.Ordinal);
        Assert.Contains($"pk ipk KEY --product PRODUCT-ID --store {Path.GetFullPath(store)}", status.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Activating_a_store_without_a_key_names_the_store_it_looked_in()
    {
        // A new user's walkthrough: 'pk ato --store dev1' run from another folder than the README's 'pk ipk … --store dev1'
        // answered "No key is installed: install one with 'pk ipk KEY --product ID' first.", naming no folder.
        var start = Pk.StartInfo(null, "ato", "--store", "dev1", "--json");
        start.WorkingDirectory = _scratch;
        var activated = await Pk.RunAsync(start, "pk ato --store dev1");

        Assert.Equal(ErrorCatalogue.StoreInvalid.ExitCode, activated.ExitCode);
        var store = Path.Combine(_scratch, "dev1");
        Assert.Contains($"No key is installed in the license store {store}: check --store", Detail(activated), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_offline_request_names_the_offline_steps_next_not_pk_ato()
    {
        // A new user's walkthrough of the README's air-gapped device: 'pk dti req.json --store air' ended on
        // "Next step: pk ato --store …", which needs the network the device lacks.
        var store = Path.Combine(_scratch, "air");
        Assert.Equal(0, (await Pk.RunAsync("ipk", "G6397-BF377-H68MT-8Q93J-3XTY9", "--product", "desktop", "--store", store, "--device-id", "d1")).ExitCode);

        var request = await Pk.RunAsync("dti", Path.Combine(_scratch, "req.json"), "--store", store);

        Assert.Equal(0, request.ExitCode);
        Assert.DoesNotContain("pk ato", request.Stdout, StringComparison.Ordinal);
        Assert.Contains("Next step: take req.json to a connected machine. On a machine that reaches the licensing service, signed in as an Owner or Contributor, run:\n  pk offline activate req.json --out DIR\n", request.Stdout, StringComparison.Ordinal);
        Assert.Contains($"then here:\n  pk atp DIR/req.response.json --store {store} --trust DIR/publisher-keys.pem", request.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_MAK_installed_without_a_service_names_the_service_or_the_offline_request_next()
    {
        // A new user's walkthrough of the README's air-gapped device: 'pk ipk MAK --store air' ended on "Next step: pk ato
        // --store …", which then answered "Say where the licensing service is" on a device that has no network.
        var store = Path.Combine(_scratch, "no-service");

        var installed = await Pk.RunAsync("ipk", "G6397-BF377-H68MT-8Q93J-3XTY9", "--product", "desktop", "--store", store, "--device-id", "d1");

        Assert.True(installed.ExitCode == 0, installed.ToString());
        Assert.Contains($"Next step: pk ato --store {store} --service URL (online), or without a network: pk dti REQUEST.json --store {store} (offline).",
            installed.Stdout, StringComparison.Ordinal);
        var online = await Pk.RunAsync("ipk", "G6397-BF377-H68MT-8Q93J-3XTY9", "--product", "desktop", "--store", Path.Combine(_scratch, "with-service"),
            "--device-id", "d1", "--service", "http://127.0.0.1:9");
        Assert.Contains($"Next step: pk ato --store {Path.Combine(_scratch, "with-service")}.", online.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pk_ato_without_a_service_names_the_service_or_the_offline_request()
    {
        // 'pk ato' in a store that knows no licensing service answered "Say where the licensing service is: --service URL.",
        // no help on an air-gapped device that never has one.
        var store = Path.Combine(_scratch, "ato-no-service");
        Assert.Equal(0, (await Pk.RunAsync("ipk", "G6397-BF377-H68MT-8Q93J-3XTY9", "--product", "desktop", "--store", store, "--device-id", "d1")).ExitCode);

        var activated = await Pk.RunAsync("ato", "--store", store, "--trust-on-first-use");

        Assert.NotEqual(0, activated.ExitCode);
        Assert.Contains("VALIDATION_FAILED", activated.ToString(), StringComparison.Ordinal);
        Assert.Contains($"pk ato --store {store} --service URL (online), or without a network: pk dti REQUEST.json --store {store}, then pk atp",
            activated.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_when_not_signed_in_says_so_and_succeeds()
    {
        var logout = await Pk.RunAsync(NotSignedIn, "logout");

        Assert.Equal(0, logout.ExitCode);
        Assert.StartsWith("Not signed in", logout.Stdout, StringComparison.Ordinal);
        Assert.False((await Pk.RunAsync(NotSignedIn, "logout", "--json")).Json.GetProperty("wasSignedIn").GetBoolean());
    }

    [Fact]
    public async Task Login_without_a_password_says_how_to_give_one_and_asks_no_service()
    {
        // A new operator's walkthrough: 'pk login --service URL --user ops' with nothing to type the password in sent an empty one,
        // and the service's answer was its API's "Send {"user": NAME, "password": PASSWORD}.". Pk.RunAsync closes standard input.
        var environment = new Dictionary<string, string>(NotSignedIn) { ["PK_PASSWORD"] = "" };
        var login = await Pk.RunAsync(environment, "login", "--service", "http://127.0.0.1:9", "--user", "ops", "--json");

        Assert.Equal(ErrorCatalogue.ValidationFailed.ExitCode, login.ExitCode);
        Assert.Contains("No password for ops: give --password PASSWORD, set PK_PASSWORD", Detail(login), StringComparison.Ordinal);
        Assert.False(File.Exists(environment["PK_CREDENTIALS"]));
    }

    [Theory]
    [InlineData("publisher-keys", "show")]
    [InlineData("key-groups", "show")]
    public async Task A_secrets_command_outside_the_server_folder_names_the_folder_it_looked_for(string group, string command)
    {
        var start = Pk.StartInfo(null, group, command, "--json");
        start.WorkingDirectory = _scratch;
        var shown = await Pk.RunAsync(start, $"pk {group} {command}");

        Assert.Equal(ErrorCatalogue.StoreInvalid.ExitCode, shown.ExitCode);
        var detail = Detail(shown);
        Assert.Contains($"There is no secrets folder {Path.Combine(_scratch, ".pk", "server", "secrets")}", detail, StringComparison.Ordinal);
        Assert.Contains("--data DIR", detail, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_scratch, ".pk")));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_key_group_rotation_in_a_secrets_folder_others_may_write_into_is_refused_and_writes_nothing()
    {
        // Before, the rotation wrote key-groups.v2.key into the 0777 folder, where another user could replace it before the nodes restart.
        var secrets = Directory.CreateDirectory(Path.Combine(_scratch, "secrets")).FullName;
        File.WriteAllBytes(Path.Combine(secrets, "key-groups.key"), new byte[32]);
        File.SetUnixFileMode(Path.Combine(secrets, "key-groups.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetUnixFileMode(secrets, (UnixFileMode)0b111_111_111);

        var rotated = await Pk.RunAsync("key-groups", "rotate", "--secrets", secrets, "--json");

        Assert.Equal(ErrorCatalogue.StoreInvalid.ExitCode, rotated.ExitCode);
        Assert.Contains($"{secrets} may be written by other users (mode 0777)", Detail(rotated), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(secrets, "key-groups.v2.key")));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_data_folder_others_may_write_into_is_refused_with_a_hint_to_make_it_private_not_to_restore_a_backup()
    {
        // Before, the refusal naming the folder's mode and chmod 700 was followed by "missing or damaged: restore it from its backup".
        var data = Directory.CreateDirectory(Path.Combine(_scratch, "shared")).FullName;
        File.SetUnixFileMode(data, (UnixFileMode)0b111_111_111);

        var migrate = await Pk.RunAsync("db", "migrate", "--data", data);
        var json = await Pk.RunAsync("db", "migrate", "--data", data, "--json");

        Assert.Equal(ErrorCatalogue.StoreInvalid.ExitCode, migrate.ExitCode);
        Assert.Contains($"chmod 700 {data}", migrate.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("backup", migrate.Stderr, StringComparison.Ordinal);
        Assert.Contains(OpenToOthers.Hint, migrate.Stderr, StringComparison.Ordinal);
        Assert.Equal(OpenToOthers.Hint, json.Json.GetProperty("error").GetProperty("message").GetString());
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static string Detail(Pk.Result result)
    {
        using var json = JsonDocument.Parse(result.Stdout);
        return json.RootElement.GetProperty("error").GetProperty("detail").GetString()!;
    }
}
