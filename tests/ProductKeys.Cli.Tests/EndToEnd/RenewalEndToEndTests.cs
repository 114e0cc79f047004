using System.Diagnostics;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// Devices renew by themselves: 'pk renew' does what is due with nobody typing 'pk ato', and
/// 'pk agent' keeps stores renewed until SIGTERM. Real 'pk server --demo', real KMS host.
/// A renewal is made due now with 'pk renew --due-now' (the store is sealed: editing it is tampering).
/// </summary>
public sealed class RenewalEndToEndTests(DemoServerFixture server) : IClassFixture<DemoServerFixture>, IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-renew-e2e-").FullName;
    private KmsHostWithDevices? _kms;

    [Fact]
    public async Task Pk_renew_renews_a_KMS_client_whose_renewal_is_due_and_does_nothing_when_none_is()
    {
        _kms = await KmsHostWithDevices.StartAsync(server, _folder);
        await _kms.ActivateDevicesAsync(server, 5);

        var early = await Pk.RunAsync("renew", "--store", _kms.Store(1), "--json");
        Assert.True(early.ExitCode == 0, early.ToString());
        Assert.Equal("NothingDue", early.Json.GetProperty("action").GetString());
        Assert.True(early.Json.GetProperty("nextDue").GetDateTimeOffset() > TimeProvider.System.GetUtcNow().AddDays(6));

        await KmsHostWithDevices.MakeRenewalDueAsync(_kms.Store(1));
        var renewed = await Pk.RunAsync("renew", "--store", _kms.Store(1), "--json");
        Assert.True(renewed.ExitCode == 0, renewed.ToString());
        Assert.Equal("Renewed", renewed.Json.GetProperty("action").GetString());
        Assert.Equal("Licensed", renewed.Json.GetProperty("state").GetString());
        var nextDue = renewed.Json.GetProperty("nextDue").GetDateTimeOffset();
        Assert.InRange(nextDue - TimeProvider.System.GetUtcNow(), TimeSpan.FromDays(6.9), TimeSpan.FromDays(7));

        var text = await Pk.RunAsync("renew", "--store", _kms.Store(1));
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("NothingDue: Nothing due: the next KMS renewal is due", text.Stdout, StringComparison.Ordinal);

        var field = await Pk.RunAsync("renew", "--store", _kms.Store(1), "--field", "action");
        Assert.True(field.ExitCode == 0, field.ToString());
        Assert.Equal("NothingDue", field.Stdout.Trim());
    }

    [Fact]
    public async Task Pk_renew_reports_a_failed_renewal_with_its_code_and_the_retry_2_hours_later()
    {
        _kms = await KmsHostWithDevices.StartAsync(server, _folder);
        await _kms.ActivateDevicesAsync(server, 1);   // below the threshold: not activated yet

        await KmsHostWithDevices.MakeRenewalDueAsync(_kms.Store(1));
        var retried = await Pk.RunAsync("renew", "--store", _kms.Store(1), "--json");
        Assert.Equal(ErrorCatalogue.KmsCountInsufficient.ExitCode, retried.ExitCode);
        Assert.Equal("Failed", retried.Json.GetProperty("action").GetString());
        Assert.Equal(ErrorCatalogue.KmsCountInsufficient.Code, retried.Json.GetProperty("code").GetString());
        Assert.InRange(retried.Json.GetProperty("nextDue").GetDateTimeOffset() - TimeProvider.System.GetUtcNow(), TimeSpan.FromHours(1.9), TimeSpan.FromHours(2));
    }

    [Fact]
    public async Task Pk_renew_on_an_activated_MAK_device_has_nothing_to_do()
    {
        var store = Path.Combine(_folder, "mak");
        var mak = await KmsHostWithDevices.KeyOfTypeAsync(server, "Mak");
        Assert.Equal(0, (await Pk.RunAsync("ipk", mak, "--product", KmsHostWithDevices.Product, "--store", store, "--device-id", "renew-mak-1", "--service", server.Url)).ExitCode);
        Assert.Equal(0, (await Pk.RunAsync("ato", "--store", store, "--trust-on-first-use")).ExitCode);

        var renew = await Pk.RunAsync("renew", "--store", store, "--json");
        Assert.True(renew.ExitCode == 0, renew.ToString());
        Assert.Equal("NothingDue", renew.Json.GetProperty("action").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, renew.Json.GetProperty("nextDue").ValueKind);
    }

    [Fact]
    public async Task Pk_agent_renews_a_due_store_by_itself_and_stops_on_SIGTERM()
    {
        _kms = await KmsHostWithDevices.StartAsync(server, _folder);
        await _kms.ActivateDevicesAsync(server, 5);
        await KmsHostWithDevices.MakeRenewalDueAsync(_kms.Store(2));

        using var agent = Process.Start(Pk.StartInfo(null, "agent", "--no-spread", "--store", _kms.Store(2), "--store", _kms.Store(3)))!;
        try
        {
            var lines = new List<string>();
            using var timeout = new CancellationTokenSource(Patience.Process);
            while (lines.Count < 2 && await agent.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                lines.Add(line);
            }

            Assert.Contains(lines, l => l.Contains(_kms.Store(2), StringComparison.Ordinal) && l.Contains(": Renewed: ", StringComparison.Ordinal) && l.Contains("Next look", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains(_kms.Store(3), StringComparison.Ordinal) && l.Contains(": NothingDue: ", StringComparison.Ordinal));
            var nextDue = KmsHostWithDevices.ReadStore(_kms.Store(2))["nextRenewalDue"]!.GetValue<DateTimeOffset>();
            Assert.InRange(nextDue - TimeProvider.System.GetUtcNow(), TimeSpan.FromDays(6.9), TimeSpan.FromDays(7));

            using (var kill = Process.Start("kill", ["-TERM", agent.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(timeout.Token);
            }

            await agent.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, agent.ExitCode);
            Assert.Contains("pk agent: stopped.", await agent.StandardError.ReadToEndAsync(timeout.Token), StringComparison.Ordinal);
        }
        finally
        {
            if (!agent.HasExited)
            {
                agent.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Pk_agent_without_no_spread_announces_its_turn_in_the_fleet_spread_of_a_due_attempt()
    {
        _kms = await KmsHostWithDevices.StartAsync(server, _folder);
        await _kms.ActivateDevicesAsync(server, 5);
        await KmsHostWithDevices.MakeRenewalDueAsync(_kms.Store(4));

        var started = TimeProvider.System.GetUtcNow();
        using var agent = Process.Start(Pk.StartInfo(null, "agent", "--store", _kms.Store(4)))!;
        try
        {
            using var timeout = new CancellationTokenSource(Patience.Process);
            string? announced = null;
            while (announced is null && await agent.StandardError.ReadLineAsync(timeout.Token) is { } line)
            {
                announced = line.Contains("turn in the fleet's spread is", StringComparison.Ordinal) ? line : null;
            }

            Assert.NotNull(announced);
            Assert.Contains(_kms.Store(4), announced, StringComparison.Ordinal);
            var turn = DateTimeOffset.Parse(announced.Split("spread is ")[1].Split(" (")[0], System.Globalization.CultureInfo.InvariantCulture);
            // Retry interval 2 hours: the window is a quarter of it, 30 minutes.
            Assert.InRange(turn, started.AddSeconds(-1), started.AddMinutes(31));
        }
        finally
        {
            agent.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Bad_input_to_renew_and_publisher_keys_export_is_refused_with_a_code_and_changes_nothing()
    {
        var missingStore = await Pk.RunAsync("renew", "--store", Path.Combine(_folder, "no-such-store"), "--json");
        Assert.Equal(ErrorCatalogue.StoreInvalid.ExitCode, missingStore.ExitCode);
        Assert.Contains("STORE_INVALID", missingStore.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder, "no-such-store")));

        var badUrl = await Pk.RunAsync("publisher-keys", "export", "--service", "not-a-url", "--out", Path.Combine(_folder, "keys.pem"));
        Assert.Equal(ErrorCatalogue.ValidationFailed.ExitCode, badUrl.ExitCode);

        var missingFolder = Path.Combine(_folder, "missing", "keys.pem");
        var noFolder = await Pk.RunAsync("publisher-keys", "export", "--service", server.Url, "--out", missingFolder);
        Assert.Equal(ErrorCatalogue.ValidationFailed.ExitCode, noFolder.ExitCode);
        Assert.False(File.Exists(missingFolder));

        var exported = await Pk.RunAsync("publisher-keys", "export", "--service", server.Url, "--out", Path.Combine(_folder, "keys.pem"), "--json");
        Assert.True(exported.ExitCode == 0, exported.ToString());
        Assert.NotEmpty(exported.Json.GetProperty("keyIds").EnumerateArray());
    }

    public async ValueTask DisposeAsync()
    {
        if (_kms is not null)
        {
            await _kms.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }
}
