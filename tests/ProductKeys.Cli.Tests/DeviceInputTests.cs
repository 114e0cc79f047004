using ProductKeys.Cli.Tests.EndToEnd;

namespace ProductKeys.Cli.Tests;

/// <summary>
/// What a hostile review typed at the device commands: product IDs that climb out of the stores
/// folder, a default store relative to the working directory. Each is refused at once with its code and
/// changes nothing; through the real binaries, pk and the Native AOT pk-device.
/// </summary>
public abstract class DeviceInputTests : IDisposable
{
    private const string Mak = "G6397-BF377-H68MT-8Q93J-3XTY9";
    private readonly string _scratch = Directory.CreateTempSubdirectory("pk-cli-input-").FullName;

    protected abstract DeviceProgram Device { get; }

    private string Store => Path.Combine(_scratch, "store");

    [Theory]
    [InlineData("ABSOLUTE")]
    [InlineData("../../etc")]
    [InlineData("a\u001b[31mred")]
    [InlineData("Desktop")]
    public async Task A_product_that_is_not_a_product_ID_is_refused_and_creates_nothing(string product)
    {
        var given = product == "ABSOLUTE" ? Path.Combine(_scratch, "x", "absprod") : product;
        var environment = new Dictionary<string, string> { ["PK_STORE_ROOT"] = Path.Combine(_scratch, "root") };
        var installed = await Device.RunAsync(environment, "ipk", Mak, "--product", given, "--device-id", "d1", "--json");
        Assert.Equal(40, installed.ExitCode);
        Assert.Equal("VALIDATION_FAILED", installed.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.DoesNotContain('\u001b', installed.Stdout + installed.Stderr);

        var withStore = await Device.RunAsync("ipk", Mak, "--product", given, "--store", Store, "--device-id", "d1");
        Assert.Equal(40, withStore.ExitCode);
        Assert.False(File.Exists(Path.Combine(Store, "license.json")));
        Assert.False(Directory.Exists(Path.Combine(_scratch, "x")));
        Assert.False(Directory.Exists(Path.Combine(_scratch, "root")));
    }

    [Fact]
    public async Task Without_a_data_folder_yet_the_default_store_goes_under_home_never_the_working_directory()
    {
        var home = Directory.CreateDirectory(Path.Combine(_scratch, "home")).FullName;
        var cwd = Directory.CreateDirectory(Path.Combine(_scratch, "cwd")).FullName;
        var start = Device.StartInfo(new Dictionary<string, string> { ["HOME"] = home }, "ipk", Mak, "--product", "desktop", "--device-id", "d1", "--json");
        start.Environment.Remove("XDG_DATA_HOME");
        start.Environment.Remove("PK_STORE_ROOT");
        start.WorkingDirectory = cwd;

        var installed = await Pk.RunAsync(start, $"{Device} ipk with HOME={home}, no ~/.local/share");

        Assert.Equal(0, installed.ExitCode);
        Assert.Equal(Path.Combine(home, ".local", "share", "productkeys", "stores", "desktop"), installed.Json.GetProperty("store").GetString());
        Assert.Empty(Directory.GetFileSystemEntries(cwd));
    }

    [Theory]
    [InlineData("INTERNAL_ERROR", 26, "OFFLINE_DATA_INVALID")]
    [InlineData("STORE_TAMPERED", 26, "OFFLINE_DATA_INVALID")]
    [InlineData("MAK_LIMIT_REACHED", 15, "MAK_LIMIT_REACHED")]
    public async Task An_offline_response_carries_only_the_services_refusals_and_its_detail_is_printed_escaped(string code, int exit, string expected)
    {
        Assert.Equal(0, (await Device.RunAsync("ipk", Mak, "--product", "desktop", "--store", Store, "--device-id", "d1")).ExitCode);
        var file = Path.Combine(_scratch, "response.json");
        File.WriteAllText(file, $$"""
            {"format":"pk-offline-response-v1","certificate":null,"code":"{{code}}","detail":"\u001b[2J\u001b[HLicense state:    Licensed\u0007\n\u009b31m"}
            """);

        var applied = await Device.RunAsync("atp", file, "--store", Store);

        Assert.Equal(exit, applied.ExitCode);
        Assert.StartsWith(expected + ":", applied.Stderr, StringComparison.Ordinal);
        AssertNothingATerminalActsOn(applied);
        if (expected == code)
        {
            Assert.Contains("\\u001b[2J", applied.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_services_problem_detail_reaches_the_terminal_escaped()
    {
        using var service = new ProblemService("{\"code\":\"MAK_LIMIT_REACHED\",\"detail\":\"\\u001b[2J\\u001b[HLicense state:    Licensed\\u0007\\nDone\"}");
        var keys = Path.Combine(_scratch, "keys.pem");
        using (var key = Core.Signing.SigningKey.Generate())
        {
            File.WriteAllText(keys, key.PublicKey.ToPem());
        }

        Assert.Equal(0, (await Device.RunAsync("ipk", Mak, "--product", "desktop", "--store", Store, "--device-id", "d1", "--service", service.Url, "--trust", keys)).ExitCode);
        var activated = await Device.RunAsync("ato", "--store", Store);

        Assert.Equal(15, activated.ExitCode);
        AssertNothingATerminalActsOn(activated);
        Assert.Contains("\\u001b[HLicense state:    Licensed\\u0007\\u000aDone", activated.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_store_argument_is_refused_at_once()
    {
        var status = await Device.RunAsync("dli", "--store", "", "--json");
        Assert.Equal(40, status.ExitCode);
        Assert.Equal("VALIDATION_FAILED", status.Json.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("dli")]
    [InlineData("ipk")]
    public async Task A_store_that_is_a_file_is_STORE_INVALID(string verb)
    {
        var file = Path.Combine(_scratch, "a-file");
        File.WriteAllText(file, "not a folder");
        var result = verb == "dli"
            ? await Device.RunAsync("dli", "--store", file, "--json")
            : await Device.RunAsync("ipk", Mak, "--product", "desktop", "--store", file, "--json");
        Assert.Equal(49, result.ExitCode);
        Assert.Equal("STORE_INVALID", result.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("is a file", result.Json.GetProperty("error").GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("not a folder", File.ReadAllText(file));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"formatVersion\": 99}")]
    [InlineData("not json at all")]
    public async Task A_damaged_store_is_repaired_as_its_message_says_upk_sets_it_aside_then_ipk(string damage)
    {
        // Before: upk and ipk answered the same STORE_INVALID as dli, and only deleting the file got out of it.
        Directory.CreateDirectory(Store);
        var file = Path.Combine(Store, "license.json");
        File.WriteAllText(file, damage);
        var status = await Device.RunAsync("dli", "--store", Store, "--json");
        Assert.Equal(49, status.ExitCode);
        Assert.Contains("'pk upk'", status.Json.GetProperty("error").GetProperty("detail").GetString(), StringComparison.Ordinal);

        var uninstalled = await Device.RunAsync("upk", "--store", Store, "--json");
        Assert.True(uninstalled.ExitCode == 0, uninstalled.ToString());
        var aside = Assert.Single(Directory.GetFiles(Store, "license.json.damaged-*"));
        Assert.Equal(damage, File.ReadAllText(aside));

        var installed = await Device.RunAsync("ipk", Mak, "--product", "desktop", "--store", Store, "--device-id", "d1", "--json");
        Assert.True(installed.ExitCode == 0, installed.ToString());
        Assert.Equal(0, (await Device.RunAsync("dli", "--store", Store)).ExitCode);
    }

    [Fact]
    public async Task Uninstalling_from_a_store_that_reads_sets_nothing_aside()
    {
        Assert.Equal(0, (await Device.RunAsync("ipk", Mak, "--product", "desktop", "--store", Store, "--device-id", "d1")).ExitCode);
        Assert.Equal(0, (await Device.RunAsync("upk", "--store", Store)).ExitCode);
        Assert.Empty(Directory.GetFiles(Store, "license.json.damaged-*"));
        Assert.True(File.Exists(Path.Combine(Store, "license.json")));
    }

    [Theory]
    [InlineData("G6397-BF377-H68MT-8Q93J-3XTY8")] // checksum
    [InlineData("not a key")]
    public async Task A_key_refused_by_ipk_leaves_the_service_trust_and_device_id_it_came_with_unsaved(string key)
    {
        Assert.Equal(0, (await Device.RunAsync("ipk", Mak, "--product", "desktop", "--store", Store)).ExitCode);
        var before = File.ReadAllText(Path.Combine(Store, "license.json"));

        var refused = await Device.RunAsync("ipk", key, "--store", Store, "--service", "http://127.0.0.1:9", "--device-id", "vm-two", "--json");

        Assert.NotEqual(0, refused.ExitCode);
        Assert.StartsWith("KEY_", refused.Json.GetProperty("error").GetProperty("code").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(Path.Combine(Store, "license.json")));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("vmone")]
    [InlineData("line\nbreak")]
    public async Task A_device_id_the_service_would_refuse_is_refused_and_nothing_is_saved(string deviceId)
    {
        var given = deviceId.Replace("\\n", "\n", StringComparison.Ordinal);
        var installed = await Device.RunAsync("ipk", Mak, "--product", "desktop", "--store", Store, "--device-id", given, "--json");
        Assert.Equal(40, installed.ExitCode);
        Assert.Equal("VALIDATION_FAILED", installed.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.False(File.Exists(Path.Combine(Store, "license.json")));

        Assert.Equal(0, (await Device.RunAsync("ipk", Mak, "--product", "desktop", "--store", Store, "--device-id", "vm-one")).ExitCode);
        var before = File.ReadAllText(Path.Combine(Store, "license.json"));
        Assert.Equal(40, (await Device.RunAsync("dli", "--store", Store, "--device-id", given)).ExitCode);
        Assert.Equal(before, File.ReadAllText(Path.Combine(Store, "license.json")));
    }

    [Theory]
    [InlineData("MISSING_FOLDER")]
    [InlineData("FOLDER")]
    [InlineData("/proc/version")]
    public async Task An_offline_request_that_cannot_be_written_there_is_VALIDATION_FAILED(string where)
    {
        Assert.Equal(0, (await Device.RunAsync("ipk", Mak, "--product", "desktop", "--store", Store, "--device-id", "d1")).ExitCode);
        var path = where switch
        {
            "MISSING_FOLDER" => Path.Combine(_scratch, "no-such-folder", "d", "req.json"),
            "FOLDER" => _scratch,
            _ => where,
        };

        var written = await Device.RunAsync("dti", path, "--store", Store, "--json");

        Assert.Equal(40, written.ExitCode);
        Assert.Equal("VALIDATION_FAILED", written.Json.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("FOLDER")]
    [InlineData("/proc/self/mem")]
    [InlineData("/dev/zero")]
    public async Task An_offline_response_that_cannot_be_read_is_OFFLINE_DATA_INVALID(string where)
    {
        Assert.Equal(0, (await Device.RunAsync("ipk", Mak, "--product", "desktop", "--store", Store, "--device-id", "d1")).ExitCode);
        var applied = await Device.RunAsync("atp", where == "FOLDER" ? _scratch : where, "--store", Store, "--json");
        Assert.Equal(26, applied.ExitCode);
        Assert.Equal("OFFLINE_DATA_INVALID", applied.Json.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("FOLDER")]
    [InlineData("/proc/self/mem")]
    public async Task A_key_list_file_that_cannot_be_read_is_VALIDATION_FAILED(string where)
    {
        var keys = Path.Combine(_scratch, "keys.pem");
        using (var key = Core.Signing.SigningKey.Generate())
        {
            File.WriteAllText(keys, key.PublicKey.ToPem());
        }

        Assert.Equal(0, (await Device.RunAsync("ipk", Mak, "--product", "desktop", "--store", Store, "--device-id", "d1", "--trust", keys)).ExitCode);
        var updated = await Device.RunAsync("trust", "update", "--from", where == "FOLDER" ? _scratch : where, "--store", Store, "--json");
        Assert.Equal(40, updated.ExitCode);
        Assert.Equal("VALIDATION_FAILED", updated.Json.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("LINKED_KEY")]
    [InlineData("OPEN_PARENT")]
    public async Task A_trust_directory_reached_through_a_link_or_under_a_folder_others_can_write_is_TRUST_DIR_UNSAFE(string how)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix owners and modes; on Windows the directory's ACLs are the operator's.
        }

        var parent = Directory.CreateDirectory(Path.Combine(_scratch, "parent")).FullName;
        var trust = Directory.CreateDirectory(Path.Combine(parent, "trust")).FullName;
        File.SetUnixFileMode(trust, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using (var key = Core.Signing.SigningKey.Generate())
        {
            var elsewhere = Path.Combine(_scratch, "elsewhere.pem");
            File.WriteAllText(elsewhere, key.PublicKey.ToPem());
            if (how == "LINKED_KEY")
            {
                File.CreateSymbolicLink(Path.Combine(trust, "a.pem"), elsewhere);
            }
            else
            {
                File.Copy(elsewhere, Path.Combine(trust, "a.pem"));
                File.SetUnixFileMode(parent, File.GetUnixFileMode(parent) | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
            }
        }

        var environment = new Dictionary<string, string> { ["PK_TRUST_DIR"] = trust };
        var refused = await Device.RunAsync(environment, "ipk", Mak, "--product", "desktop", "--store", Store, "--json");

        Assert.Equal(36, refused.ExitCode);
        Assert.Equal("TRUST_DIR_UNSAFE", refused.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.False(File.Exists(Path.Combine(Store, "license.json")));
    }

    public void Dispose()
    {
        Directory.Delete(_scratch, recursive: true);
        GC.SuppressFinalize(this);
    }

    private static void AssertNothingATerminalActsOn(Pk.Result result)
    {
        var printed = result.Stdout + result.Stderr.TrimEnd('\n').Replace("\n", "", StringComparison.Ordinal);
        Assert.DoesNotContain(printed, c => char.IsControl(c) && c != '\n');
        // Every line the refusal printed is ProductKeys' own: the code's line and the catalogue's message.
        Assert.InRange(result.Stderr.TrimEnd('\n').Split('\n').Length, 1, 2);
    }

    /// <summary>A licensing service on 127.0.0.1 that answers every request 409 with one problem body.</summary>
    private sealed class ProblemService : IDisposable
    {
        private readonly System.Net.HttpListener _listener = new();
        private readonly Task _serving;

        public ProblemService(string problem)
        {
            var port = ProductKeys.Testing.LoopbackPort.FreeTcp();
            Url = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _serving = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    System.Net.HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception e) when (e is System.Net.HttpListenerException or ObjectDisposedException or InvalidOperationException)
                    {
                        return;
                    }

                    var body = System.Text.Encoding.UTF8.GetBytes(problem);
                    context.Response.StatusCode = 409;
                    context.Response.ContentType = "application/problem+json";
                    await context.Response.OutputStream.WriteAsync(body);
                    context.Response.Close();
                }
            });
        }

        public string Url { get; }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _serving.Wait(TestContext.Current.CancellationToken);
        }
    }

    public sealed class WithPk : DeviceInputTests
    {
        protected override DeviceProgram Device => DeviceProgram.Pk;
    }

    public sealed class WithPkDevice : DeviceInputTests
    {
        protected override DeviceProgram Device => DeviceProgram.Native;
    }
}
