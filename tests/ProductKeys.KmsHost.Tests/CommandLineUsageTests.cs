using System.CommandLine;
using ProductKeys.CommandLine;
using ProductKeys.Core.Errors;
using ProductKeys.KmsHost.Serving;

namespace ProductKeys.KmsHost.Tests;

/// <summary>
/// pk-kms-host's command line (the native root, configured as in src/ProductKeys.KmsHost.Native): what it cannot parse
/// is USAGE_INVALID in plain words naming the option and what it takes, never System.CommandLine's own text.
/// </summary>
public sealed class CommandLineUsageTests
{
    private static RootCommand Root() => KmsHostServing.Configure(new RootCommand(KmsHostServing.Description), NativeProgram.Refuse);

    private static Refusal Refused(params string[] args) =>
        UsageRefusal.Of(Root().Parse(args)) ?? throw new InvalidOperationException($"'{string.Join(' ', args)}' parsed.");

    [Fact]
    public void An_unknown_option_is_named_with_the_options_there_are()
    {
        var refusal = Refused("--data", "x", "--bogus");

        Assert.Equal(ErrorCatalogue.UsageInvalid, refusal.Error);
        Assert.Contains("'--bogus' is not an option of '", refusal.Detail, StringComparison.Ordinal);
        Assert.Contains("its options: --data, --urls, --renewal-interval", refusal.Detail, StringComparison.Ordinal);
        Assert.Contains("--help'.", refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_value_or_a_missing_required_option_is_named_with_what_it_takes()
    {
        var noValue = Refused("--data");
        Assert.Contains("--data needs a value. The KMS host's data folder", noValue.Detail, StringComparison.Ordinal);

        var noData = Refused("--urls", "http://127.0.0.1:0");
        Assert.True(noData.Detail.Contains("--data is required: The KMS host's data folder", StringComparison.Ordinal), noData.Detail);
    }

    [Theory]
    [InlineData("--max-connections", "many", "a whole number")]
    [InlineData("--renewal-interval", "weekly", "a duration as [days.]hours:minutes:seconds")]
    [InlineData("--sync", "sometimes", "one of full, normal")]
    [InlineData("--log-format", "xml", "one of json, simple, systemd")]
    public void A_value_that_does_not_parse_is_named_with_what_the_option_takes(string option, string value, string takes)
    {
        var refusal = Refused("--data", "x", option, value);

        Assert.Equal(ErrorCatalogue.UsageInvalid, refusal.Error);
        Assert.True(refusal.Detail.Contains($"{option} takes {takes}", StringComparison.Ordinal), refusal.Detail);
        Assert.True(refusal.Detail.Contains($"'{value}' is not one", StringComparison.Ordinal), refusal.Detail);
        Assert.DoesNotContain("System.", refusal.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_line_that_parses_is_no_usage_error()
    {
        Assert.Null(UsageRefusal.Of(Root().Parse(["--data", "x", "--sync", "full", "--max-connections", "10"])));
    }

    [Fact]
    public async Task The_native_entry_point_exits_with_the_usage_code_before_running_anything()
    {
        var data = Path.Combine(Path.GetTempPath(), "pk-usage-" + Guid.NewGuid().ToString("N"));

        var exit = await NativeProgram.RunAsync(Root(), ["--data", data, "--max-connections", "many"], "pk-kms-host", "scripts/publish-kms-host.sh");

        Assert.Equal(ErrorCatalogue.UsageInvalid.ExitCode, exit);
        Assert.False(Directory.Exists(data));
    }
}
