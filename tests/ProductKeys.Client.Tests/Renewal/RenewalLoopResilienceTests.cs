using System.Net;
using System.Text;
using System.Threading.Channels;
using ProductKeys.Client.Activation;
using ProductKeys.Client.Kms;
using ProductKeys.Client.Renewal;
using ProductKeys.Client.Tests.Kms;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Kms;

namespace ProductKeys.Client.Tests.Renewal;

/// <summary>The renewal loop keeps going whatever happens in a pass, and never waits longer than the interval in force (docs/product.md §3).</summary>
public sealed class RenewalLoopResilienceTests : IAsyncDisposable
{
    private readonly RenewalWorld _world = new();

    public RenewalLoopResilienceTests() => _world.Kms.License.Configure(l => l with { KmsHost = "kms.corp.test" });

    [Fact]
    public async Task An_exception_in_a_pass_is_a_failed_attempt_retried_after_the_retry_interval()
    {
        _world.Kms.Respond = (_, _) => throw new InvalidOperationException("The character set provided in ContentType is invalid.");
        _world.Start();
        var failed = await _world.NextAttemptAsync();
        Assert.Equal(RenewalAction.Failed, failed.Action);
        Assert.Equal(ErrorCatalogue.Internal.Code, failed.Refusal?.Code);
        Assert.Equal(failed.At.AddHours(2), failed.NextDue);

        _world.Kms.Respond = (_, request) => _world.Kms.Activated(request);
        var activated = await _world.AdvanceToAsync(failed.NextAttempt!.Value);
        Assert.Equal(RenewalAction.Activated, activated.Action);
    }

    [Fact]
    public async Task A_due_attempt_waits_its_announced_turn_in_the_spread_unless_spreading_is_off()
    {
        _world.StartWithoutAdvancing();
        var turn = await FirstTurnAsync(_world);
        Assert.InRange(turn, KmsWorld.Start, KmsWorld.Start.AddMinutes(30));
        var spread = await _world.AdvanceToAsync(turn);
        Assert.Equal(RenewalAction.Activated, spread.Action);
        Assert.Equal(turn, spread.At);

        await using var single = new RenewalWorld(spread: false);
        single.Kms.License.Configure(l => l with { KmsHost = "kms.corp.test" });
        single.StartWithoutAdvancing();
        var atOnce = await single.NextAttemptAsync();
        Assert.Equal(RenewalAction.Activated, atOnce.Action);
        Assert.Equal(KmsWorld.Start, atOnce.At);
        Assert.Empty(single.SpreadTurns);
    }

    private static async Task<DateTimeOffset> FirstTurnAsync(RenewalWorld world)
    {
        for (var i = 0; i < 3000; i++)
        {
            if (world.SpreadTurns.TryPeek(out var turn))
            {
                return turn;
            }

            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException("The loop announced no turn in the spread.");
    }

    [Fact]
    public async Task A_callback_that_throws_does_not_stop_the_loop()
    {
        var seen = Channel.CreateUnbounded<RenewalAttempt>();
        using var http = new HttpClient();
        var renewal = new LicenseRenewal(_world.Kms.License, new LicensingServiceClient(http), _world.Kms.Settings, _world.Kms.Clock, 7)
        {
            Attempted = attempt =>
            {
                seen.Writer.TryWrite(attempt);
                throw new InvalidOperationException("the product's logger broke");
            },
        };
        using var stop = new CancellationTokenSource();
        var loop = renewal.RunAsync(stop.Token);
        _world.Kms.Clock.Advance(TimeSpan.FromMinutes(30));
        var first = await seen.Reader.ReadAsync(TestContext.Current.CancellationToken);
        Assert.Equal(RenewalAction.Activated, first.Action);

        _world.Kms.Clock.Advance(first.NextAttempt!.Value - _world.Kms.Clock.GetUtcNow());
        var second = await seen.Reader.ReadAsync(TestContext.Current.CancellationToken);
        Assert.Equal(RenewalAction.Renewed, second.Action);
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task A_due_time_far_in_the_future_is_brought_back_to_the_renewal_interval()
    {
        // Activated under a clock that ran 60 days ahead and was corrected since.
        Assert.True(_world.Kms.Activate().IsSuccess);
        _world.Kms.License.Configure(l => l with { NextRenewalDue = KmsWorld.Start.AddDays(60) });
        _world.Start();
        var pass = await _world.NextAttemptAsync();
        Assert.Equal(RenewalAction.NothingDue, pass.Action);
        Assert.InRange(pass.NextAttempt!.Value, pass.At, pass.At.AddDays(7).AddHours(1));
        Assert.Equal(pass.NextDue, _world.Kms.Stored.NextRenewalDue);

        var renewed = await _world.AdvanceToAsync(pass.NextAttempt.Value);
        Assert.Equal(RenewalAction.Renewed, renewed.Action);
    }

    [Fact]
    public async Task A_retry_never_waits_longer_than_the_retry_interval()
    {
        // Not activated, and a stored retry 20 days away: the 2-hour retry interval is in force.
        _world.Kms.License.Configure(l => l with { NextRenewalDue = KmsWorld.Start.AddDays(20) });
        _world.Start();
        var pass = await _world.NextAttemptAsync();
        Assert.InRange(pass.NextAttempt!.Value, pass.At, pass.At.AddHours(2).AddMinutes(30));
    }

    [Fact]
    public async Task A_due_time_left_in_the_past_by_an_attempt_that_saved_nothing_waits_the_retry_interval()
    {
        Assert.True(_world.Kms.Activate().IsSuccess);
        _world.Kms.Clock.Advance(TimeSpan.FromDays(8));
        var overdue = _world.Kms.Stored.NextRenewalDue!.Value;
        // A store that trusts no publisher key refuses before any host is asked, and leaves the due time as it was.
        Assert.True(_world.Kms.License.Configure(l => l with { TrustedKeys = [] }).IsSuccess);
        _world.Start();
        var failed = await _world.NextAttemptAsync();
        Assert.Equal(RenewalAction.Failed, failed.Action);
        Assert.Equal(overdue, _world.Kms.Stored.NextRenewalDue);
        Assert.InRange(failed.NextAttempt!.Value, failed.At.AddHours(2), failed.At.AddHours(2).AddMinutes(30));
    }

    [Fact]
    public async Task The_hosts_retry_interval_overrides_the_default()
    {
        _world.Kms.RetryMinutes = 30;
        _world.Kms.Respond = (_, _) => _world.Kms.NotYet(3);
        _world.Start();
        var first = await _world.NextAttemptAsync();
        Assert.Equal(first.At.AddMinutes(30), first.NextDue);

        var second = await _world.AdvanceToAsync(first.NextAttempt!.Value);
        Assert.Equal(second.At.AddMinutes(30), second.NextDue);
        Assert.InRange(second.NextAttempt!.Value, second.NextDue!.Value, second.NextDue.Value + TimeSpan.FromMinutes(7.5));
    }

    [Fact]
    public async Task A_renewal_interval_above_30_days_is_capped_at_30()
    {
        _world.Kms.RenewalMinutes = 60 * 24 * 60;
        _world.Start();
        var first = await _world.NextAttemptAsync();
        Assert.Equal(first.At + KmsProtocol.MaxInterval, first.NextDue);
        Assert.InRange(first.NextAttempt!.Value, first.NextDue!.Value, first.NextDue.Value + RenewalJitter.MaxWindow);
    }

    [Fact]
    public void Installing_a_MAK_over_an_activated_KMS_key_drops_the_KMS_schedule()
    {
        _world.Kms.RetryMinutes = 60;
        Assert.True(_world.Kms.Activate().IsSuccess);
        Assert.NotNull(_world.Kms.Stored.NextRenewalDue);
        Assert.NotNull(_world.Kms.Stored.KmsRetryInterval);

        var mak = ProductKey.Derive(KeyType.Mak, 5, 9, new byte[32]).ToString();
        Assert.True(_world.Kms.License.InstallKey(mak, KmsWorld.Product).IsSuccess);
        var stored = _world.Kms.Stored;
        Assert.Null(stored.NextRenewalDue);
        Assert.Null(stored.KmsRetryInterval);
        Assert.Null(stored.KmsRenewalInterval);
    }

    [Fact]
    public async Task Transports_turn_an_unusable_answer_into_unreachable()
    {
        using var http = new HttpClient(new BadCharset());
        var kms = await new HttpKmsTransport(http).SendAsync(Address(),
            new KmsActivationRequest("c", KmsWorld.Product, "Unlicensed", "h", KmsWorld.Start, null), TestContext.Current.CancellationToken);
        Assert.Equal(ErrorCatalogue.KmsUnreachable.Code, kms.Refusal!.Code);

        var service = await new LicensingServiceClient(http).GetPublisherKeysAsync(new Uri("http://127.0.0.1:1/"), TestContext.Current.CancellationToken);
        Assert.Equal(ErrorCatalogue.ServiceUnreachable.Code, service.Refusal!.Code);
    }

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    private static KmsHostAddress Address()
    {
        Assert.True(KmsHostAddress.TryParse("127.0.0.1:1688", out var address));
        return address;
    }

    /// <summary>A server that answers 200 with a character set nobody knows.</summary>
    private sealed class BadCharset : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{}"));
            content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=no-such-charset");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        }
    }
}
