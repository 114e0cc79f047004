using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ProductKeys.KmsHost.Counting;

/// <summary>
/// The host's append-only visit log, <c>kms.log</c> next to <c>kms.db</c> (docs/formats/kms-visit-log-v1.md,
/// docs/adr/0011-kms-visit-log.md). The writer appends each batch of records with one write before
/// the batch's requests are answered (and flushes it to the disk first with <c>--sync full</c>); the
/// records are folded into the database's tables later, in large transactions. Only the serving
/// host appends; anyone may read.
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
        RandomAccess.SetLength(_handle, 0);
        RandomAccess.Write(_handle, header, 0);
        if (_flushToDisk)
        {
            RandomAccess.FlushToDisk(_handle);
        }

        Id = id;
        End = HeaderBytes;
        NextSequence = 0;
    }

    /// <summary>
    /// Appends <paramref name="records"/> with one write (and a flush to the disk in full sync mode).
    /// When it fails, the log is as before and the exception tells why.
    /// </summary>
    /// <param name="records">The records, in order.</param>
    /// <param name="after">Receives the log's position after each record.</param>
    public void Append(IReadOnlyList<LoggedRecord> records, Span<LogPosition> after)
    {
        _batch.ResetWrittenCount();
        var sequence = NextSequence;
        for (var i = 0; i < records.Count; i++)
        {
            var frameAt = _batch.WrittenCount;
            _batch.GetSpan(FrameBytes);
            _batch.Advance(FrameBytes);
            records[i].WritePayload(_batch);
            var payloadLength = _batch.WrittenCount - frameAt - FrameBytes;
            // The frame goes in front of the payload once its length is known; the bytes are this writer's own.
            var frame = MemoryMarshal.AsMemory(_batch.WrittenMemory).Span.Slice(frameAt, FrameBytes + payloadLength);
            WriteFrame(frame, sequence++, payloadLength);
            after[i] = new LogPosition(Id, End + _batch.WrittenCount, sequence);
        }

        try
        {
            RandomAccess.Write(_handle, _batch.WrittenSpan, End);
            if (_flushToDisk)
            {
                RandomAccess.FlushToDisk(_handle);
            }
        }
        catch
        {
            TryCutBack();
            throw;
        }

        End += _batch.WrittenCount;
        NextSequence = sequence;
    }

    /// <summary>
    /// The complete records of the log at <paramref name="path"/> after <paramref name="from"/> (from
    /// the start when the log has another ID now), up to the first that is torn, damaged or out of
    /// sequence: the tail of a write the host died in, never an acknowledged record.
    /// </summary>
    public static List<(LoggedRecord Record, LogPosition After)> ReadAfter(string path, LogPosition from)
    {
        var records = new List<(LoggedRecord, LogPosition)>();
        byte[] bytes;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }
        catch (FileNotFoundException)
        {
            return records;
        }

        if (bytes.Length < HeaderBytes || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            return records;
        }

        var id = new Guid(bytes.AsSpan(Magic.Length, 16));
        var (at, sequence) = id == from.Id && from.Offset >= HeaderBytes ? (from.Offset, from.NextSequence) : (HeaderBytes, 0L);
        while (bytes.Length - at >= FrameBytes)
        {
            var frame = bytes.AsSpan((int)at);
            var length = BinaryPrimitives.ReadInt32LittleEndian(frame);
            if (length is < 1 or > MaxPayloadBytes || frame.Length < FrameBytes + length
                || BinaryPrimitives.ReadInt64LittleEndian(frame[8..]) != sequence
                || BinaryPrimitives.ReadUInt32LittleEndian(frame[4..]) != Checksum(frame[8..(FrameBytes + length)])
                || LoggedRecord.ReadPayload(frame.Slice(FrameBytes, length)) is not { } record)
            {
                break;
            }

            at += FrameBytes + length;
            sequence++;
            records.Add((record, new LogPosition(id, at, sequence)));
        }

        return records;
    }

    public void Dispose() => _handle.Dispose();

    private static void WriteFrame(Span<byte> frame, long sequence, int payloadLength)
    {
        BinaryPrimitives.WriteInt32LittleEndian(frame, payloadLength);
        BinaryPrimitives.WriteInt64LittleEndian(frame[8..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], Checksum(frame[8..]));
    }

    /// <summary>CRC-32 of the sequence number and the payload.</summary>
    private static uint Checksum(ReadOnlySpan<byte> sequenceAndPayload) => Crc32.HashToUInt32(sequenceAndPayload);

    /// <summary>After a failed append: drop whatever part of it reached the file (readers stop at it anyway).</summary>
    private void TryCutBack()
    {
        try
        {
            RandomAccess.SetLength(_handle, End);
        }
#pragma warning disable CA1031 // Best effort: a torn tail is also skipped by readers (checksum and sequence).
        catch (IOException)
#pragma warning restore CA1031
        {
        }
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
