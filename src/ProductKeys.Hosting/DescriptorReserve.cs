using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace ProductKeys.Hosting;

/// <summary>
/// File descriptors held back for the runtime, and the headroom accepts leave it. Out of descriptors,
/// the .NET runtime cannot start a thread (each start opens /sys/devices/system/cpu/possible and a
/// pipe, seen under strace) and the server dies with "Out of memory.", whatever the accept loop does.
/// So a listener stops before descriptors are out: an accepted connection whose descriptor is within
/// <see cref="Size"/> of the soft file limit (<see cref="NearlyOut"/>; descriptors are handed out
/// lowest first, so every lower one is taken) is closed at once, as is one taken when an accept fails
/// with EMFILE all the same (something else took the last ones). Either way the reserve is closed,
/// every listener of the server stops accepting, and accepting resumes only once the reserve could be
/// taken back with as many descriptors again to spare, all of them below the headroom. One reserve
/// per server, shared by its listeners; none on Windows, which has no such limit.
/// </summary>
internal sealed class DescriptorReserve(ILogger logger, TimeProvider time) : IDisposable
{
    public const int Size = 32;

    private readonly Lock _lock = new();
    private readonly List<Socket> _held = [];
    private readonly OverloadEpisode _outOfFiles = new(time);
    private volatile bool _spent;

    /// <summary>Given up (descriptors out or nearly) and not yet whole again: listeners do not accept.</summary>
    public bool Spent => _spent;

    /// <summary>Takes the reserve at start; when even that is not possible, the listeners wait (logged) as they would after running out.</summary>
    public void Take()
    {
        if (!TryRefill(null))
        {
            OutOfFiles("(starting)", "too few descriptors at start to keep a reserve for the runtime");
        }
    }

    /// <summary>
    /// Why <paramref name="accepted"/> leaves too few descriptors for the runtime (its number within
    /// <see cref="Size"/> of the soft file limit), or null when there are enough (or no such limit).
    /// </summary>
    public static string? NearlyOut(Socket accepted)
    {
        if (OperatingSystem.IsWindows() || SoftFileLimit.Now() is not { } limit)
        {
            return null;
        }

        var descriptor = accepted.SafeHandle.DangerousGetHandle().ToInt64();
        return descriptor >= limit - Size
            ? $"descriptor {descriptor} is within {Size} of the file limit {limit}, too few left for the runtime"
            : null;
    }

    /// <summary>Descriptors are out or nearly (or a connection was taken while the reserve was spent): gives the reserve up.</summary>
    public void OutOfFiles(string listener, string error)
    {
        long? toTell;
        lock (_lock)
        {
            Release();
            _spent = true;
            toTell = _outOfFiles.Refused();
        }

        if (toTell is not null)
        {
            ConnectionLog.OutOfFiles(logger, listener, error);
        }
    }

    /// <summary>Takes the whole reserve back if as many descriptors again are free; true when listeners may accept again.</summary>
    public bool TryRefill(string? listener)
    {
        (long Refusals, TimeSpan Lasted)? ended;
        lock (_lock)
        {
            if (!OperatingSystem.IsWindows() && !TakeWithSpares())
            {
                return false;
            }

            _spent = false;
            // Under the lock: another listener giving the reserve up right after this must not have its start told as ended.
            ended = _outOfFiles.Ended();
        }

        if (listener is not null && ended is { } told)
        {
            ConnectionLog.FilesAgain(logger, listener, told.Refusals, told.Lasted.TotalSeconds);
        }

        return true;
    }

    /// <summary>
    /// Right after the reserve was given up its own descriptors are free: as many again to spare, all
    /// below the headroom <see cref="NearlyOut"/> keeps, prove that descriptors came back from elsewhere
    /// (closed connections), so the next accept will not stop again at once. All or nothing: while they
    /// are not there, the runtime keeps every free descriptor, and the headroom keeps all but a moment's
    /// one (each handle's number is checked as it is opened, and one in the headroom closed at once).
    /// </summary>
    private bool TakeWithSpares()
    {
        var headroom = SoftFileLimit.Now() is { } limit ? limit - Size : long.MaxValue;
        var spare = new List<Socket>();
        try
        {
            if (FillBelow(headroom, _held) && FillBelow(headroom, spare))
            {
                return true;
            }

            Release();
            return false;
        }
        catch (SocketException)
        {
            Release();
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
            Release();
        }
    }

    /// <summary>Opens handles into <paramref name="handles"/> until it holds <see cref="Size"/>; false at the first whose descriptor number is not below <paramref name="headroom"/>.</summary>
    private static bool FillBelow(long headroom, List<Socket> handles)
    {
        while (handles.Count < Size)
        {
            // A socket, not /dev/null: a file handle takes a shared flock, which any local user can block with an
            // exclusive one (flock -x /dev/null), and the reserve could then never be taken back.
            var handle = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            if (handle.SafeHandle.DangerousGetHandle().ToInt64() >= headroom)
            {
                handle.Dispose();
                return false;
            }

            handles.Add(handle);
        }

        return true;
    }

    private void Release()
    {
        _held.ForEach(h => h.Dispose());
        _held.Clear();
    }
}
