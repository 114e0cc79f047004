using ProductKeys.Core.Errors;

namespace ProductKeys.Core.Tests.Errors;

public sealed class ErrorCatalogueTests
{
    private static readonly string[] SpecCodes =
    [
        "KEY_MALFORMED", "KEY_CHECKSUM", "KEY_NOT_FOR_PRODUCT", "KEY_UNKNOWN", "KEY_BLOCKED", "MAK_LIMIT_REACHED",
        "SETUP_KEY_CANNOT_ACTIVATE", "KMS_CLIENT_KEY_ONLINE", "KMS_HOST_KEY_LIMIT", "KMS_COUNT_INSUFFICIENT",
        "KMS_HOST_NOT_ACTIVATED", "KMS_PRODUCT_NOT_COVERED", "KMS_UNREACHABLE", "CLOCK_SKEW", "HARDWARE_OUT_OF_TOLERANCE",
        "GRACE_EXPIRED", "OFFLINE_DATA_INVALID", "SIGNATURE_INVALID", "CERTIFICATE_EXPIRED", "FORBIDDEN_NOT_BILLING_ADMIN",
        "FORBIDDEN_NOT_ACCOUNT_OWNER_OR_CONTRIBUTOR", "RATE_LIMITED", "NO_DEVICE_CAL_AVAILABLE",
    ];

    [Fact]
    public void Holds_every_code_the_spec_names()
    {
        foreach (var code in SpecCodes)
        {
            Assert.NotNull(ErrorCatalogue.Find(code));
        }
    }

    [Fact]
    public void Codes_and_exit_codes_are_unique_and_refusals_never_use_0_1_or_2_but_a_bad_command_line_exits_2()
    {
        Assert.Equal(ErrorCatalogue.All.Count, ErrorCatalogue.All.Select(e => e.Code).Distinct().Count());
        var refusals = ErrorCatalogue.All.Where(e => e != ErrorCatalogue.Internal && e != ErrorCatalogue.UsageInvalid).ToList();
        Assert.Equal(refusals.Count, refusals.Select(e => e.ExitCode).Distinct().Count());
        Assert.All(refusals, e => Assert.True(e.ExitCode >= 10));
        Assert.Equal(2, ErrorCatalogue.UsageInvalid.ExitCode);
    }

    [Fact]
    public void Only_the_unexpected_failure_maps_to_500()
    {
        Assert.Equal([ErrorCatalogue.Internal], ErrorCatalogue.All.Where(e => e.HttpStatus >= 500 && e.HttpStatus != 503));
        Assert.All(ErrorCatalogue.All, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
    }

    /// <summary>
    /// The general codes serve many places (a taken user name, a file that exists, a lock held; an unknown path, an unknown
    /// field, a route): their default line must be true for all of them; a place that means one situation says it in its detail.
    /// </summary>
    [Theory]
    [InlineData("CONFLICT")]
    [InlineData("FORBIDDEN")]
    [InlineData("UNAUTHENTICATED")]
    [InlineData("NOT_FOUND")]
    public void A_general_codes_default_line_names_no_one_situation(string code)
    {
        var message = ErrorCatalogue.Find(code)!.Message;

        foreach (var specific in (string[])["billing account", "reload", "'pk ", "bearer token", "check the id"])
        {
            Assert.DoesNotContain(specific, message, StringComparison.OrdinalIgnoreCase);
        }
    }
}
