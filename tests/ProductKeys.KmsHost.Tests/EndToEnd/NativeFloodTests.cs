using ProductKeys.Cli.Tests.EndToEnd.Floods;

namespace ProductKeys.KmsHost.Tests.EndToEnd;

/// <summary>
/// Issue #13 item 2 for the Native AOT pk-kms-host: the floods 'pk kms-host serve' survives
/// (Cli.Tests FloodTests), through the published executable, whose runtime differs.
/// </summary>
public sealed class NativeFloodTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-native-flood-").FullName;

    [Fact]
    public async Task A_flood_past_the_file_limit_leaves_the_native_host_up_and_health_answering()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "ulimit -n and /proc/self/limits are Linux's.");
        await FloodScenarios.PastTheFileLimitAsync(Start);
    }

    [Fact]
    public async Task A_connection_limit_above_the_file_limit_stops_the_native_host_at_the_file_limit()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "ulimit -n and /proc/self/limits are Linux's.");
        await FloodScenarios.OverlyHighLimitAsync(Start);
    }

    [Fact]
    public async Task Running_out_of_descriptors_pauses_the_native_hosts_accepts_until_they_are_back()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "prlimit and /proc/PID/fd are Linux's.");
        await FloodScenarios.OutOfDescriptorsAsync(Start);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private System.Diagnostics.ProcessStartInfo Start(string urls) => NativeHost.StartInfo("--data", Path.Combine(_folder, "data"), "--urls", urls);
}
