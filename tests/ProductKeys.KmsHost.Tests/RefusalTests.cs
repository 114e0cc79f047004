using ProductKeys.Core.Errors;

namespace ProductKeys.KmsHost.Tests;

/// <summary>What a host refuses, and that a refusal counts nobody.</summary>
public sealed class RefusalTests
{
    [Fact]
    public async Task A_host_without_a_certificate_activates_nobody()
    {
        using var host = new HostFixture(activate: false);
        var answer = (await host.Activation.HandleAsync(host.Request(1)));
        Assert.Equal(ErrorCatalogue.KmsHostNotActivated.Code, answer.Refusal?.Code);
    }

    [Fact]
    public async Task A_host_whose_certificate_expired_activates_nobody()
    {
        using var host = new HostFixture(certificateExpires: HostFixture.Start.AddDays(10));
        Assert.True((await host.Activation.HandleAsync(host.Request(1))).IsSuccess);
        host.Clock.Advance(TimeSpan.FromDays(10) + TimeSpan.FromSeconds(1));
        Assert.Equal(ErrorCatalogue.KmsHostNotActivated.Code, (await host.Activation.HandleAsync(host.Request(1))).Refusal?.Code);
    }

    [Fact]
    public async Task The_hosts_intervals_reach_the_client_and_must_lie_within_15_minutes_and_30_days()
    {
        using var host = new HostFixture();
        host.Options.RenewalInterval = TimeSpan.FromDays(1);
        host.Options.RetryInterval = TimeSpan.FromMinutes(15);
        var answer = (await host.Activation.HandleAsync(host.Request(1))).Value;
        Assert.Equal((24 * 60, 15), (answer.RenewalIntervalMinutes, answer.RetryIntervalMinutes));

        Assert.NotNull(new KmsHostOptions { DataDirectory = "d", RetryInterval = TimeSpan.FromMinutes(14) }.Problem());
        Assert.NotNull(new KmsHostOptions { DataDirectory = "d", RenewalInterval = TimeSpan.FromDays(31) }.Problem());
        var refused = KmsHostApp.Build(new KmsHostOptions { DataDirectory = host.Folder.Path, RenewalInterval = TimeSpan.FromMinutes(1) }, ["http://127.0.0.1:0"], host.Clock);
        Assert.Equal(ErrorCatalogue.ValidationFailed.Code, refused.Refusal?.Code);
    }

    [Fact]
    public async Task A_product_the_host_certificate_does_not_cover_is_refused()
    {
        using var host = new HostFixture();
        var answer = (await host.Activation.HandleAsync(host.Request(1, "contoso-cad")));
        Assert.Equal(ErrorCatalogue.KmsProductNotCovered.Code, answer.Refusal?.Code);
    }

    [Fact]
    public async Task A_client_key_of_another_products_group_is_refused_and_not_counted_and_an_old_client_without_a_group_is_answered_as_before()
    {
        using var host = new HostFixture();
        var desktopKeyAsServer = host.Request(1, HostFixture.Server) with { KeyGroup = HostFixture.DesktopGroup };
        var refused = await host.Activation.HandleAsync(desktopKeyAsServer);
        Assert.Equal(ErrorCatalogue.KeyNotForProduct.Code, refused.Refusal?.Code);
        Assert.Contains("group 1001", refused.Refusal!.Detail, StringComparison.Ordinal);

        Assert.Equal(1, (await host.Activation.HandleAsync(host.Request(2, HostFixture.Server) with { KeyGroup = HostFixture.ServerGroup })).Value.Count);
        Assert.Equal(2, (await host.Activation.HandleAsync(host.Request(3, HostFixture.Server))).Value.Count);
    }

    [Fact]
    public async Task Clock_skew_over_4_hours_is_refused_and_not_counted()
    {
        using var host = new HostFixture();
        var ahead = host.Request(1) with { ClientTime = host.Clock.GetUtcNow().AddHours(4).AddSeconds(1) };
        var behind = host.Request(2) with { ClientTime = host.Clock.GetUtcNow().AddHours(-4).AddSeconds(-1) };
        Assert.Equal(ErrorCatalogue.ClockSkew.Code, (await host.Activation.HandleAsync(ahead)).Refusal?.Code);
        Assert.Equal(ErrorCatalogue.ClockSkew.Code, (await host.Activation.HandleAsync(behind)).Refusal?.Code);

        var exactlyFour = host.Request(3) with { ClientTime = host.Clock.GetUtcNow().AddHours(4) };
        Assert.Equal(1, (await host.Activation.HandleAsync(exactlyFour)).Value.Count);
    }

    [Theory]
    [InlineData(null, "contoso-desktop", "InitialGrace", true)]
    [InlineData("has space", "contoso-desktop", "InitialGrace", true)]
    [InlineData("cmid-1", "", "InitialGrace", true)]
    [InlineData("cmid-1", "contoso-desktop", "Happy", true)]
    [InlineData("cmid-1", "contoso-desktop", "InitialGrace", false)]
    public async Task Malformed_requests_are_validation_failures(string? cmid, string product, string state, bool goodHardware)
    {
        using var host = new HostFixture();
        var request = host.Request(1) with { Cmid = cmid, Product = product, ClientState = state, HardwareId = goodHardware ? HostFixture.HardwareFor(1) : "hw1:nonsense" };
        Assert.Equal(ErrorCatalogue.ValidationFailed.Code, (await host.Activation.HandleAsync(request)).Refusal?.Code);
        Assert.Equal(ErrorCatalogue.ValidationFailed.Code, (await host.Activation.HandleAsync(null)).Refusal?.Code);
    }
}
