using Microsoft.Extensions.Logging.Abstractions;
using ProductKeys.Core.Devices;
using ProductKeys.Data;
using ProductKeys.Data.Activations;
using ProductKeys.Service.Activations;

namespace ProductKeys.Load.Mak;

/// <summary>
/// The service's SQLite activation writer on its own, in this process: many requests queue
/// activations of one key at once and it records them in group commits (docs/adr/0028-hot-mak-batches.md),
/// the limit checked in each batch's transaction. No HTTP, key lookup, tolerance matching or signing:
/// this row tells the storage design's capacity apart from what a whole request costs on the same cores.
/// </summary>
internal sealed class WriterRun : IAsyncDisposable
{
    private readonly Guid _keyId;
    private readonly SqliteWriteGate _gate = new();
    private readonly SqliteActivationWriter _writer;

    public WriterRun(string dataDirectory, Guid keyId)
    {
        _keyId = keyId;
        _writer = new(DatabaseSettings.ForDataDirectory(dataDirectory), _gate, NullLogger<SqliteActivationWriter>.Instance);
    }

    public Task RunAsync(int clients, int requests, string prefix, double[]? latencies)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                var hardware = HardwareId.FromDeviceId($"{prefix}-{i}", "contoso-desktop").Value;
                var hashes = MakActivations.Hashes(hardware);
                var now = TimeProvider.System.GetUtcNow();
                var activation = new MakActivation
                {
                    Id = Guid.CreateVersion7(now),
                    KeyId = _keyId,
                    ProductId = "contoso-desktop",
                    HardwareId = hardware.ToString(),
                    ActivatedAt = now,
                    LastActivatedAt = now,
                    Activations = 1,
                };
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var consumed = await _writer.ConsumeAsync(activation, hashes, CancellationToken.None);
                if (latencies is not null)
                {
                    latencies[i] = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }

                if (consumed.Result != MakConsumptionResult.Consumed)
                {
                    throw new InvalidOperationException($"The writer answered {consumed.Result} for a new device.");
                }
            }
        }));
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        _gate.Dispose();
    }
}
