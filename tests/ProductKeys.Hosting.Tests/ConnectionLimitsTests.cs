using Microsoft.Extensions.Configuration;

namespace ProductKeys.Hosting.Tests;

/// <summary>Connections per listener stay below the file limit (issue #13 item 2; the floods themselves: Cli.Tests FloodTests, KmsHost.Tests NativeFloodTests).</summary>
public sealed class ConnectionLimitsTests
{
    private const string Limits = """
        Limit                     Soft Limit           Hard Limit           Units
        Max processes             unlimited            unlimited            processes
        Max open files            1024                 20000                files
        """;

    [Theory]
    [InlineData(1, 512)]
    [InlineData(2, 256)]
    [InlineData(20, ConnectionLimits.Minimum)]
    public void The_soft_file_limit_less_a_reserve_is_shared_between_listeners(int listeners, long expected) =>
        Assert.Equal(expected, ConnectionLimits.Resolve(Configuration(null), listeners, Limits));

    [Fact]
    public void The_setting_wins_and_an_unknown_limit_gets_a_fixed_bound()
    {
        Assert.Equal(100, ConnectionLimits.Resolve(Configuration("100"), 1, Limits));
        Assert.Equal(ConnectionLimits.WithoutKnownLimit, ConnectionLimits.Resolve(Configuration(null), 1, "Max open files            unlimited            unlimited            files"));
        Assert.Throws<InvalidOperationException>(() => ConnectionLimits.Resolve(Configuration("-5"), 1, Limits));
    }

    [Fact]
    public void The_live_soft_limit_is_the_one_the_kernel_reports()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "getrlimit and /proc/self/limits are Linux's.");
        var reported = ConnectionLimits.FileLimit(File.ReadAllText("/proc/self/limits"));
        Assert.NotNull(reported);
        Assert.Equal(reported, SoftFileLimit.Now());
    }

    private static IConfiguration Configuration(string? max) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [ConnectionLimits.Setting] = max }).Build();
}
