using ProductKeys.Cli.Tests.EndToEnd;

namespace ProductKeys.Cli.Tests;

public sealed class KeyCommandTests
{
    private const string ValidMak = "G6397-BF377-H68MT-8Q93J-3XTY9";

    [Fact]
    public async Task Inspect_prints_type_group_and_serial_as_json()
    {
        var result = await Pk.RunAsync("key", "inspect", ValidMak, "--json");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Mak", result.Json.GetProperty("type").GetString());
        Assert.Equal(1, result.Json.GetProperty("group").GetInt32());
        Assert.Equal(1, result.Json.GetProperty("serial").GetInt32());
    }

    [Theory]
    [InlineData("C6397-BF377-H68MT-8Q93J-3XTY9", "KEY_CHECKSUM", 11)]
    [InlineData("G6397-BF377-H68MT-8Q93J-3XTO9", "KEY_MALFORMED", 10)]
    [InlineData("G6397", "KEY_MALFORMED", 10)]
    public async Task Inspect_refuses_bad_keys_with_their_code_and_exit_code(string key, string code, int exitCode)
    {
        var result = await Pk.RunAsync("key", "inspect", key, "--json");
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal(code, result.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains(code, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_the_short_verbs()
    {
        var result = await Pk.RunAsync("--help");
        Assert.Equal(0, result.ExitCode);
        foreach (var verb in new[] { "ipk", "ato", "dli", "dlv", "xpr", "upk", "rearm", "dti", "atp", "skms", "ckms" })
        {
            Assert.Contains(verb, result.Stdout, StringComparison.Ordinal);
        }
    }
}
