using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using ProductKeys.Core.Files;

namespace ProductKeys.KmsHost.Counting;

/// <summary>
/// The host's append-only visit log, <c>kms.log</c> next to <c>kms.db</c> (docs/formats/kms-visit-log-v1.md,
/// docs/adr/0011-kms-visit-log.md). The writer appends each batch of records with one write before
/// the batch's requests are answered (and flushes it to the disk first with <c>--sync full</c>); the
/// records are folded into the database's tables later, in large transactions. Only the serving
/// host appends; anyone may read. Bytes of an append that failed are never followed by other
/// records under the same log ID: after a failure the log takes no record until it is started
/// afresh (<see cref="NeedsRestart"/>), so a reader that saw those bytes never mistakes what comes
/// after them.
/// </summary>
internal sealed class VisitLog : IDisposable
{
    /// <summary>Magic (8 bytes), log ID (16), reserved (8).</summary>
    public const int HeaderBytes = 32;

    /// <summary>Payload length (4), CRC-32 of sequence number and payload (4), sequence number (8).</summary>
    private const int FrameBytes = 16;

    /// <summary>Largest payload a reader accepts: a record is a few hundred bytes.</summary>
    private const int MaxPayloadBytes = 64 * 1024;

    private static ReadOnlySpan<byte> Magic => "PKKMSLG1"u8;

    private readonly SafeFileHandle _handle;
    private readonly bool _flushToDisk;
    private readonly ArrayBufferWriter<byte> _batch = new(16 * 1024);

    private VisitLog(SafeFileHandle handle, bool flushToDisk)
    {
        _handle = handle;
        _flushToDisk = flushToDisk;
    }

    /// <summary>This log's ID (a new one each time the log is started afresh).</summary>
    public Guid Id { get; private set; }

    /// <summary>Where the next record goes: the end of the last complete record.</summary>
    public long End { get; private set; }

    /// <summary>The sequence number of the next record.</summary>
    public long NextSequence { get; private set; }

    /// <summary>
    /// An append or a restart failed: the log takes no record until <see cref="Restart"/> succeeds
    /// (a reader may have read the failed append's bytes, so the same place must not hold others).
    /// </summary>
    public bool NeedsRestart { get; private set; }

    /// <summary>Test seam: runs after an append's bytes are written, before they are flushed; an exception fails the append.</summary>
    internal Action? AfterWrite { get; set; }

    /// <summary>Test seam: runs after a restart has emptied the file, before the new header is written.</summary>
    internal Action? AfterTruncate { get; set; }

    /// <summary>Whether each append is flushed to the disk (<c>--sync full</c>) before it returns.</summary>
    public bool FlushesToDisk => _flushToDisk;

    /// <summary>The position just after the last record appended.</summary>
    public LogPosition Position => new(Id, End, NextSequence);

    /// <summary>
    /// Opens <paramref name="path"/> for appending and starts it afresh (empty, with a new ID): call
    /// only once every record in it is folded.
    /// </summary>
    public static VisitLog StartAfresh(string path, bool flushToDisk)
    {
        PrivateFile.Create(path); // 0600 whatever the umask: it holds every client's visit
        var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        var log = new VisitLog(handle, flushToDisk);
        try
        {
            log.Restart();
            return log;
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }

    /// <summary>Empties the log and gives it a new ID: call only once every record in it is folded.</summary>
    public void Restart()
    {
        var id = Guid.NewGuid();
        Span<byte> header = stackalloc byte[HeaderBytes];
        header.Clear();
        Magic.CopyTo(header);
        id.TryWriteBytes(header[Magic.Length..]);
        // Until the new header is written the file holds no log a reader or an append could use.
        NeedsRestart = true;
        RandomAccess.SetLength(_handle, 0);
        AfterTruncate?.Invoke();
        RandomAccess.Write(_handle, header, 0);
        if (_flushToDisk)
        {
            RandomAccess.FlushToDisk(_handle);
        }

        Id = id;
        End = HeaderBytes;
        NextSequence = 0;
        NeedsRestart = false;
    }

    /// <summary>
    /// Appends <paramref name="records"/> with one write (and a flush to the disk in full sync mode).
    /// When it fails, the exception tells why and the log needs a restart before the next append.
    /// </summary>
    /// <param name="records">The records, in order.</param>
    /// <param name="after">Receives the log's position after each record.</param>
    public void Append(IReadOnlyList<LoggedRecord> records, Span<LogPosition> after)
    {
        if (NeedsRestart)
        {
            throw new InvalidOperationException("The visit log must be started afresh after a failed write.");
        }

        if (records.Count == 0)
        {
            return;
        }

        _batch.ResetWrittenCount();
        var sequence = NextSequence;
        for (var i = 0; i < records.Count; i++)
        {
            var frameAt = _batch.WrittenCount;
            _batch.GetSpan(FrameBytes);
            _batch.Advance(FrameBytes);
            records[i].WritePayload(_batch);
            var payloadLength = _batch.WrittenCount - frameAt - FrameBytes;
            if (payloadLength > MaxPayloadBytes)
            {
                throw new ArgumentException($"A logged record is at most {MaxPayloadBytes} bytes.", nameof(records));
            }

            // The frame goes in front of the payload once its length is known; the bytes are this writer's own.
            var frame = MemoryMarshal.AsMemory(_batch.WrittenMemory).Span.Slice(frameAt, FrameBytes + payloadLength);
            WriteFrame(frame, sequence++, payloadLength);
            after[i] = new LogPosition(Id, End + _batch.WrittenCount, sequence);
        }

        try
        {
            RandomAccess.Write(_handle, _batch.WrittenSpan, End);
            AfterWrite?.Invoke();
            if (_flushToDisk)
            {
                RandomAccess.FlushToDisk(_handle);
            }
        }
        catch
        {
            NeedsRestart = true;
            throw;
        }

        End += _batch.WrittenCount;
        NextSequence = sequence;
    }

    /// <summary>
    /// The complete records of the log at <paramref name="path"/> after <paramref name="from"/> (from
    /// the start when the log has another ID now), up to the first that is torn, damaged or out of
    /// sequence: the tail of a write the host died in, or of one that failed.
    /// </summary>
    public static List<(LoggedRecord Record, LogPosition After)> ReadAfter(string path, LogPosition from) => ReadAfter(path, from, out _);

    /// <inheritdoc cref="ReadAfter(string, LogPosition)"/>
    /// <param name="path">The log file.</param>
    /// <param name="from">Where the last fold stopped.</param>
    /// <param name="unreadBytes">Bytes after the last record read: a torn or damaged tail when not 0.</param>
    public static List<(LoggedRecord Record, LogPosition After)> ReadAfter(string path, LogPosition from, out long unreadBytes)
    {
        var records = new List<(LoggedRecord, LogPosition)>();
        unreadBytes = 0;
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 64 * 1024);
        }
        catch (FileNotFoundException)
        {
            return records;
        }

        using (stream)
        {
            Span<byte> header = stackalloc byte[HeaderBytes];
            if (stream.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false) < HeaderBytes || !header[..Magic.Length].SequenceEqual(Magic))
            {
                return records;
            }

            var id = new Guid(header.Slice(Magic.Length, 16));
            var (at, sequence) = id == from.Id && from.Offset >= HeaderBytes ? (from.Offset, from.NextSequence) : (HeaderBytes, 0L);
            if (at > stream.Length)
            {
                return records;
            }

            stream.Position = at;
            Span<byte> frame = stackalloc byte[FrameBytes];
            var payload = new byte[MaxPayloadBytes];
            while (true)
            {
                var got = stream.ReadAtLeast(frame, FrameBytes, throwOnEndOfStream: false);
                if (got < FrameBytes)
                {
                    unreadBytes = got;
                    break;
                }

                var length = BinaryPrimitives.ReadInt32LittleEndian(frame);
                if (length is < 1 or > MaxPayloadBytes || BinaryPrimitives.ReadInt64LittleEndian(frame[8..]) != sequence
                    || stream.ReadAtLeast(payload.AsSpan(0, length), length, throwOnEndOfStream: false) < length
                    || BinaryPrimitives.ReadUInt32LittleEndian(frame[4..]) != Checksum(frame, payload.AsSpan(0, length))
                    || LoggedRecord.ReadPayload(payload.AsSpan(0, length)) is not { } record)
                {
                    unreadBytes = Math.Max(1, stream.Length - at);
                    break;
                }

                at += FrameBytes + length;
                sequence++;
                records.Add((record, new LogPosition(id, at, sequence)));
            }
        }

        return records;
    }

    public void Dispose() => _handle.Dispose();

    private static void WriteFrame(Span<byte> frame, long sequence, int payloadLength)
    {
        BinaryPrimitives.WriteInt32LittleEndian(frame, payloadLength);
        BinaryPrimitives.WriteInt64LittleEndian(frame[8..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], Crc32.HashToUInt32(frame[8..]));
    }

    /// <summary>CRC-32 of the sequence number (the frame's last 8 bytes) and the payload.</summary>
    private static uint Checksum(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> payload)
    {
        var crc = new Crc32();
        crc.Append(frame[8..FrameBytes]);
        crc.Append(payload);
        return crc.GetCurrentHashAsUInt32();
    }
}

/// <summary>A place in a visit log: its ID, the offset just after a record, and the next record's sequence number.</summary>
internal readonly record struct LogPosition(Guid Id, long Offset, long NextSequence)
{
    /// <summary>Text form, as stored in the database's meta table.</summary>
    public override string ToString() => FormattableString.Invariant($"{Id:N} {Offset} {NextSequence}");

    /// <summary>Reads <see cref="ToString"/>'s form; none (the start of any log) when missing or malformed.</summary>
    public static LogPosition Parse(string? text)
    {
        var parts = text?.Split(' ') ?? [];
        return parts.Length == 3 && Guid.TryParseExact(parts[0], "N", out var id)
            && long.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var offset)
            && long.TryParse(parts[2], System.Globalization.CultureInfo.InvariantCulture, out var next)
            ? new LogPosition(id, offset, next)
            : default;
    }
}
