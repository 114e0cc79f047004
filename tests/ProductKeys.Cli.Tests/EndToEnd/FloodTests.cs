using System.Diagnostics;
using ProductKeys.Cli.Tests.EndToEnd.Floods;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// Issue #13 item 2: every server 'pk' runs survives connection floods past its file limit
/// (<see cref="FloodScenarios"/>; the native pk-kms-host: KmsHost.Tests NativeFloodTests).
/// </summary>
public sealed class FloodTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-flood-").FullName;

    public static TheoryData<string> Servers => ["server", "kms-host serve", "cal-server serve"];

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task A_flood_past_the_file_limit_leaves_the_server_up_and_health_answering(string server)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "ulimit -n and /proc/self/limits are Linux's.");
        await FloodScenarios.PastTheFileLimitAsync(Start(server));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task A_connection_limit_above_the_file_limit_stops_at_the_file_limit(string server)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "ulimit -n and /proc/self/limits are Linux's.");
        await FloodScenarios.OverlyHighLimitAsync(Start(server));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Running_out_of_descriptors_pauses_accepts_with_a_log_line_until_they_are_back(string server)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "prlimit and /proc/PID/fd are Linux's.");
        await FloodScenarios.OutOfDescriptorsAsync(Start(server));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task A_connection_limit_below_one_is_refused(string server)
    {
        string[] serve = [.. server.Split(' '), "--data", _folder, "--urls", "http://127.0.0.1:0"];
        var refused = await Pk.RunAsync([.. serve, "--max-connections", "0"]);
        var badSetting = await Pk.RunAsync(new Dictionary<string, string> { ["PK_Connections__Max"] = "many" }, serve);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("VALIDATION_FAILED", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("--max-connections", refused.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, badSetting.ExitCode);
        Assert.Contains("Connections:Max must be a positive whole number of connections; it is 'many'", badSetting.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Func<string, ProcessStartInfo> Start(string server) =>
        urls => Pk.StartInfo(null, [.. server.Split(' '), "--data", Path.Combine(_folder, "data"), "--urls", urls]);
}
