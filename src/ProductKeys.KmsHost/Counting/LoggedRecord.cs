using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ProductKeys.KmsHost.Counting;

/// <summary>
/// One entry of the visit log (docs/formats/kms-visit-log-v1.md): a client visit, with the
/// activation it was answered with if any, or a refused request. What the writer appends before a
/// request is answered, and what a fold applies to the database's tables.
/// </summary>
/// <param name="Visit">The visit, or <c>null</c> for a refused request.</param>
/// <param name="Activation">The activation the visit was answered with, if any.</param>
/// <param name="Returning">The visit's client was seen within the window before (only then can its hardware ID have changed).</param>
/// <param name="RefusalCode">The refused request's error code.</param>
/// <param name="RefusedClientState">The client state a refused request reported, when it was a known one.</param>
internal sealed record LoggedRecord(ClientVisit? Visit, AcknowledgedActivation? Activation, bool Returning, string? RefusalCode, string? RefusedClientState)
{
    private const byte VisitKind = 1;
    private const byte RefusalKind = 2;
    private const byte ActivatedFlag = 1;
    private const byte ReturningFlag = 2;

    public static LoggedRecord ForVisit(ClientVisit visit, AcknowledgedActivation? activation, bool returning) => new(visit, activation, returning, null, null);

    public static LoggedRecord ForRefusal(string code, string? clientState) => new(null, null, false, code, clientState);

    /// <summary>Appends the payload (no framing) to <paramref name="output"/>.</summary>
    public void WritePayload(IBufferWriter<byte> output)
    {
        if (Visit is { } visit)
        {
            WriteByte(output, VisitKind);
            WriteInt64(output, visit.At.ToUnixTimeSeconds());
            WriteString(output, visit.Product);
            WriteString(output, visit.Cmid);
            WriteString(output, visit.HardwareId);
            WriteString(output, visit.ClientState);
            WriteByte(output, (byte)((Activation is null ? 0 : ActivatedFlag) | (Returning ? ReturningFlag : 0)));
            if (Activation is { } activation)
            {
                WriteString(output, activation.ActivationId);
                WriteInt64(output, activation.IssuedAt.ToUnixTimeSeconds());
                WriteInt64(output, activation.Expires.ToUnixTimeSeconds());
                WriteString(output, activation.Fingerprint);
            }

            return;
        }

        WriteByte(output, RefusalKind);
        WriteString(output, RefusalCode!);
        WriteByte(output, RefusedClientState is null ? (byte)0 : (byte)1);
        if (RefusedClientState is { } state)
        {
            WriteString(output, state);
        }
    }

    /// <summary>Reads a payload written by <see cref="WritePayload"/>; <c>null</c> when it is not one.</summary>
    public static LoggedRecord? ReadPayload(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        var record = reader.Byte() switch
        {
            VisitKind => ReadVisit(ref reader),
            RefusalKind => ReadRefusal(ref reader),
            _ => null,
        };
        return reader.Failed || !reader.AtEnd ? null : record;
    }

    private static LoggedRecord ReadVisit(ref PayloadReader reader)
    {
        var at = reader.Time();
        var product = reader.Text();
        var cmid = reader.Text();
        var hardwareId = reader.Text();
        var clientState = reader.Text();
        var visit = new ClientVisit(cmid, product, hardwareId, clientState, at);
        var flags = reader.Byte();
        if ((flags & ~(ActivatedFlag | ReturningFlag)) != 0)
        {
            return reader.Fail<LoggedRecord>();
        }

        AcknowledgedActivation? activation = (flags & ActivatedFlag) != 0
            ? new AcknowledgedActivation(reader.Text(), reader.Time(), reader.Time(), reader.Text())
            : null;
        return ForVisit(visit, activation, (flags & ReturningFlag) != 0);
    }

    private static LoggedRecord ReadRefusal(ref PayloadReader reader)
    {
        var code = reader.Text();
        return ForRefusal(code, reader.Byte() == 1 ? reader.Text() : null);
    }

    private static void WriteByte(IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static void WriteInt64(IBufferWriter<byte> output, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    private static void WriteString(IBufferWriter<byte> output, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        if (length > ushort.MaxValue)
        {
            throw new ArgumentException("A logged text is at most 65535 bytes.", nameof(value));
        }

        var span = output.GetSpan(2 + length);
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)length);
        Encoding.UTF8.GetBytes(value, span[2..]);
        output.Advance(2 + length);
    }

    /// <summary>Reads fields in order; once past the end or malformed, <see cref="Failed"/> stays set.</summary>
    private ref struct PayloadReader(ReadOnlySpan<byte> payload)
    {
        private ReadOnlySpan<byte> _rest = payload;

        public bool Failed { get; private set; }

        public readonly bool AtEnd => _rest.IsEmpty;

        public byte Byte() => Take(1) is { Length: 1 } b ? b[0] : default;

        public DateTimeOffset Time() =>
            Take(8) is { Length: 8 } b && BinaryPrimitives.ReadInt64LittleEndian(b) is var seconds
                && seconds is >= -62135596800 and <= 253402300799
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : Fail<DateTimeOffset>();

        public string Text()
        {
            if (Take(2) is not { Length: 2 } prefix)
            {
                return "";
            }

            var bytes = Take(BinaryPrimitives.ReadUInt16LittleEndian(prefix));
            return Failed ? "" : Encoding.UTF8.GetString(bytes);
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (Failed || _rest.Length < count)
            {
                Failed = true;
                return default;
            }

            var taken = _rest[..count];
            _rest = _rest[count..];
            return taken;
        }

        public T Fail<T>()
        {
            Failed = true;
            return default!;
        }
    }
}
