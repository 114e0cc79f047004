using System.Threading.Channels;
using ProductKeys.Client.Activation;
using ProductKeys.Client.Renewal;
using ProductKeys.Client.Tests.Kms;

namespace ProductKeys.Client.Tests.Renewal;

/// <summary>A KMS client device (<see cref="KmsWorld"/>) whose renewal loop runs on the fake clock; each pass is handed to the test.</summary>
internal sealed class RenewalWorld : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<RenewalAttempt> _attempts = Channel.CreateUnbounded<RenewalAttempt>();
    private readonly HttpClient _http = new();
    private Task? _loop;

    public RenewalWorld(ulong seed = 7, bool spread = true) =>
        Renewal = new LicenseRenewal(Kms.License, new LicensingServiceClient(_http), Kms.Settings, Kms.Clock, seed)
        {
            Attempted = attempt => _attempts.Writer.TryWrite(attempt),
            SpreadDueAttempts = spread,
            Spreading = turn => SpreadTurns.Enqueue(turn),
        };

    /// <summary>The turns the loop announced before a first or overdue attempt.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset> SpreadTurns { get; } = new();

    public KmsWorld Kms { get; } = new();

    public LicenseRenewal Renewal { get; }

    /// <summary>Starts the loop and moves the clock over the start-up spreading window (30 minutes with the 2-hour retry), so the first pass runs.</summary>
    public void Start()
    {
        _loop = Renewal.RunAsync(_stop.Token);
        Kms.Clock.Advance(RenewalJitter.Window(TimeSpan.FromHours(2)));
    }

    /// <summary>Starts the loop without moving the clock.</summary>
    public void StartWithoutAdvancing() => _loop = Renewal.RunAsync(_stop.Token);

    /// <summary>The next pass the loop reports (the wait is bounded so a broken loop fails instead of hanging).</summary>
    public async Task<RenewalAttempt> NextAttemptAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        return await _attempts.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Moves the clock to the loop's next look and returns the pass it makes there.</summary>
    public Task<RenewalAttempt> AdvanceToAsync(DateTimeOffset wake)
    {
        Kms.Clock.Advance(wake - Kms.Clock.GetUtcNow());
        return NextAttemptAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
        _http.Dispose();
        Kms.Dispose();
    }
}
