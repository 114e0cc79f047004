using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace ProductKeys.Hosting;

/// <summary>
/// File descriptors held back for the runtime, given up when an accept fails with EMFILE. Out of
/// descriptors, the .NET runtime cannot start a thread (each start needs a pipe) and the server died
/// with "Out of memory." even with accepts paused. So at EMFILE the reserve is closed, every listener
/// of the server stops accepting (a connection it had already taken is closed at once), and accepting
/// resumes only once the reserve could be taken back with as many descriptors again to spare. One
/// reserve per server, shared by its listeners; none on Windows, which has no such limit.
/// </summary>
internal sealed class DescriptorReserve(ILogger logger, TimeProvider time) : IDisposable
{
    public const int Size = 32;

    private readonly Lock _lock = new();
    private readonly List<SafeFileHandle> _held = [];
    private readonly OverloadEpisode _outOfFiles = new(time);
    private volatile bool _spent;

    /// <summary>Given up at EMFILE and not yet whole again: listeners do not accept.</summary>
    public bool Spent => _spent;

    /// <summary>Takes the reserve at start; false when even that is not possible.</summary>
    public bool Take() => TryRefill(null);

    /// <summary>An accept failed for want of descriptors (or a connection was taken while the reserve was spent): gives the reserve up.</summary>
    public void OutOfFiles(string listener, string error)
    {
        lock (_lock)
        {
            _held.ForEach(h => h.Dispose());
            _held.Clear();
            _spent = true;
        }

        if (_outOfFiles.Refused() is not null)
        {
            ConnectionLog.OutOfFiles(logger, listener, error);
        }
    }

    /// <summary>Takes the whole reserve back if as many descriptors again are free; true when listeners may accept again.</summary>
    public bool TryRefill(string? listener)
    {
        lock (_lock)
        {
            if (!OperatingSystem.IsWindows() && !TakeWithSpares())
            {
                return false;
            }

            _spent = false;
        }

        if (listener is not null && _outOfFiles.Ended() is { } ended)
        {
            ConnectionLog.FilesAgain(logger, listener, ended.Refusals, ended.Lasted.TotalSeconds);
        }

        return true;
    }

    /// <summary>
    /// Right after the reserve was given up its own descriptors are free: as many again to spare prove
    /// that descriptors came back from elsewhere (closed connections), so accepting will not fail at once.
    /// All or nothing: while they are not there, the runtime keeps every free descriptor.
    /// </summary>
    private bool TakeWithSpares()
    {
        var spare = new List<SafeFileHandle>();
        try
        {
            while (_held.Count < Size)
            {
                _held.Add(File.OpenHandle("/dev/null"));
            }

            while (spare.Count < Size)
            {
                spare.Add(File.OpenHandle("/dev/null"));
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _held.ForEach(h => h.Dispose());
            _held.Clear();
            return false;
        }
        finally
        {
            spare.ForEach(h => h.Dispose());
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _held.ForEach(h => h.Dispose());
            _held.Clear();
        }
    }
}
