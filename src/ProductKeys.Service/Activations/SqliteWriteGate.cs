using ProductKeys.Data;

namespace ProductKeys.Service.Activations;

/// <summary>
/// SQLite has one writer at a time; writers that collide back off in sleeps of many milliseconds.
/// Queuing this process's activation writes in memory instead keeps them short and in order.
/// PostgreSQL needs no gate (row locks). Another process on the same SQLite file is still
/// serialized by SQLite itself.
/// </summary>
public sealed class SqliteWriteGate : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<IDisposable?> EnterAsync(LicensingDbContext db, CancellationToken ct)
    {
        return db.IsPostgres ? null : await EnterAsync(ct);
    }

    /// <summary>Enters the gate whatever the context (SQLite's activation writer has none).</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        return new Release(_gate);
    }

    public void Dispose() => _gate.Dispose();

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
