using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// Devices activating through a load balancer, a bounded number at a time, as a fleet's scripts would:
/// each retries only what ADR 0029 says to retry — a 503 that names its code and carries Retry-After
/// (a node without its database, or a balancer without a ready node), or a connection cut before an
/// answer — and stops at its first real answer: 200, or 409 MAK_LIMIT_REACHED. Anything else (a 500,
/// a 502, a 503 without a code) is unexpected and recorded for the test to fail on. Devices start only
/// as far as <see cref="Allow"/> lets them, so a test can place a restart between two stretches of traffic.
/// </summary>
internal sealed class RetryingActivations(HttpClient balancer, string product)
{
    /// <summary>A device gives up after this many answers to retry: well over a minute of 503s, far longer than any restart here.</summary>
    private const int MaxAttempts = 90;

    private readonly Lock _gate = new();
    private readonly ConcurrentQueue<string> _unexpected = new();
    private int _allowed;
    private TaskCompletionSource _raised = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _answered;
    private int _unavailableFromNodes;
    private int _unavailableFromBalancer;
    private int _connectionErrors;

    public sealed record Device(string Key, string HardwareId);

    /// <summary>A device's last answer: "OK", "MAK_LIMIT_REACHED", or why it ended otherwise.</summary>
    public sealed record Outcome(string Answer, bool Reactivation, int Retries);

    /// <summary>Devices with a final answer so far.</summary>
    public int Answered => Volatile.Read(ref _answered);

    /// <summary>503 DATABASE_UNREACHABLE answers the devices retried.</summary>
    public int UnavailableFromNodes => Volatile.Read(ref _unavailableFromNodes);

    /// <summary>503 SERVICE_UNAVAILABLE from the balancer (no node ready) the devices retried.</summary>
    public int UnavailableFromBalancer => Volatile.Read(ref _unavailableFromBalancer);

    /// <summary>Requests cut off without an answer, retried.</summary>
    public int ConnectionErrors => Volatile.Read(ref _connectionErrors);

    public IReadOnlyCollection<string> Unexpected => _unexpected;

    /// <summary>Lets devices up to (not including) position <paramref name="count"/> start.</summary>
    public void Allow(int count)
    {
        TaskCompletionSource raised;
        lock (_gate)
        {
            _allowed = count;
            raised = _raised;
            _raised = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        raised.SetResult();
    }

    /// <summary>Activates every device, <paramref name="inFlight"/> at a time, in order; returns each one's outcome.</summary>
    public async Task<Outcome[]> RunAsync(IReadOnlyList<Device> devices, int inFlight)
    {
        var outcomes = new Outcome[devices.Count];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < devices.Count)
            {
                await WaitUntilAllowedAsync(i);
                outcomes[i] = await ActivateAsync(devices[i]);
                Interlocked.Increment(ref _answered);
            }
        }));
        return outcomes;
    }

    private async Task WaitUntilAllowedAsync(int position)
    {
        while (true)
        {
            Task raised;
            lock (_gate)
            {
                if (position < _allowed)
                {
                    return;
                }

                raised = _raised.Task;
            }

            await raised;
        }
    }

    private async Task<Outcome> ActivateAsync(Device device)
    {
        var ct = TestContext.Current.CancellationToken;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                response = await balancer.PostAsJsonAsync("/api/v1/activations", new { key = device.Key, product, hardwareId = device.HardwareId }, ct);
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref _connectionErrors);
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
                continue;
            }

            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(ct);
                var code = Code(body);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return new Outcome("OK", JsonDocument.Parse(body).RootElement.GetProperty("reactivation").GetBoolean(), attempt);
                }

                if (response.StatusCode == HttpStatusCode.Conflict && code == ErrorCatalogue.MakLimitReached.Code)
                {
                    return new Outcome(code, false, attempt);
                }

                var retryAfter = response.Headers.RetryAfter?.Delta;
                var retry = response.StatusCode == HttpStatusCode.ServiceUnavailable && retryAfter is { } wait && wait > TimeSpan.Zero;
                if (retry && code == ErrorCatalogue.DatabaseUnreachable.Code)
                {
                    Interlocked.Increment(ref _unavailableFromNodes);
                }
                else if (retry && code == ErrorCatalogue.ServiceUnavailable.Code)
                {
                    Interlocked.Increment(ref _unavailableFromBalancer);
                }
                else
                {
                    _unexpected.Enqueue($"{(int)response.StatusCode} Retry-After '{retryAfter}': {body}");
                    return new Outcome($"{(int)response.StatusCode} {code}", false, attempt);
                }

                await Task.Delay(retryAfter!.Value, ct);
            }
        }

        _unexpected.Enqueue($"a device still had no answer after {MaxAttempts} attempts");
        return new Outcome("GAVE_UP", false, MaxAttempts);
    }

    private static string? Code(string body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
