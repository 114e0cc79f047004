using ProductKeys.KmsHost.Counting;

namespace ProductKeys.KmsHost.Tests;

/// <summary>The visit log's format: what a reader takes back, and where it stops (docs/formats/kms-visit-log-v1.md).</summary>
public sealed class VisitLogTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Directory.CreateTempSubdirectory("pk-kms-log-").FullName;

    private string LogFile => Path.Combine(_folder, "kms.log");

    [Fact]
    public void Every_kind_of_record_reads_back_as_written()
    {
        LoggedRecord[] records =
        [
            LoggedRecord.ForVisit(new ClientVisit("cmid-1", "contoso-desktop", "hw-1", "InitialGrace", At),
                new AcknowledgedActivation("act-1", At, At.AddDays(180), "0123456789abcdef"), returning: false),
            LoggedRecord.ForVisit(new ClientVisit("cmid-2", "contoso-desktop", "hw-2", "Unlicensed", At.AddSeconds(1)), null, returning: true),
            LoggedRecord.ForRefusal("CLOCK_SKEW", "Licensed"),
            LoggedRecord.ForRefusal("VALIDATION_FAILED", null),
        ];
        using (var log = VisitLog.StartAfresh(LogFile, flushToDisk: false))
        {
            log.Append(records, new LogPosition[records.Length]);
        }

        Assert.Equal(records, VisitLog.ReadAfter(LogFile, default).Select(r => r.Record));
    }

    [Fact]
    public void Records_are_written_as_the_format_document_shows()
    {
        // docs/formats/kms-visit-log-v1.md, "Test vector".
        LoggedRecord[] records =
        [
            LoggedRecord.ForVisit(new ClientVisit("cmid-1", "contoso-desktop", "hw-1", "InitialGrace", At),
                new AcknowledgedActivation("act-1", At, At.AddDays(180), "0123456789abcdef"), returning: false),
            LoggedRecord.ForRefusal("CLOCK_SKEW", "Licensed"),
        ];
        using (var log = VisitLog.StartAfresh(LogFile, flushToDisk: false))
        {
            log.Append(records, new LogPosition[records.Length]);
        }

        var bytes = File.ReadAllBytes(LogFile);
        Assert.Equal("PKKMSLG1"u8.ToArray(), bytes[..8]);
        Assert.Equal(
            "600000008e794a3e000000000000000001c070096b000000000f00636f6e746f736f2d6465736b746f700600636d69642d31040068772d310c00496e697469616c47726163650105006163742d31c070096b00000000c0bef66b00000000100030313233343536373839616263646566"
            + "18000000e32cde8e0100000000000000020a00434c4f434b5f534b45570108004c6963656e736564",
            Convert.ToHexStringLower(bytes[VisitLog.HeaderBytes..]));
    }

    [Fact]
    public void A_torn_last_record_is_not_read()
    {
        WriteVisits(3);
        using (var file = new FileStream(LogFile, FileMode.Open))
        {
            file.SetLength(file.Length - 5);
        }

        Assert.Equal(["cmid-0", "cmid-1"], Cmids(VisitLog.ReadAfter(LogFile, default)));
    }

    [Fact]
    public void Reading_stops_at_a_damaged_record()
    {
        var positions = WriteVisits(3);
        var bytes = File.ReadAllBytes(LogFile);
        bytes[positions[1].Offset - 3] ^= 0x40; // inside the second record's payload
        File.WriteAllBytes(LogFile, bytes);

        Assert.Equal(["cmid-0"], Cmids(VisitLog.ReadAfter(LogFile, default)));
    }

    [Fact]
    public void A_complete_record_out_of_sequence_is_not_read()
    {
        // A whole, valid record where another sequence number is expected (e.g. bytes copied from elsewhere).
        var positions = WriteVisits(2);
        var bytes = File.ReadAllBytes(LogFile);
        var first = bytes.AsSpan(VisitLog.HeaderBytes, (int)positions[0].Offset - VisitLog.HeaderBytes).ToArray();
        File.WriteAllBytes(LogFile, [.. bytes, .. first]);

        Assert.Equal(["cmid-0", "cmid-1"], Cmids(VisitLog.ReadAfter(LogFile, default)));
    }

    [Fact]
    public void Reading_after_a_position_returns_only_later_records_and_a_new_log_is_read_from_its_start()
    {
        var positions = WriteVisits(3);

        Assert.Equal(["cmid-2"], Cmids(VisitLog.ReadAfter(LogFile, positions[1])));
        Assert.Empty(VisitLog.ReadAfter(LogFile, positions[2]));
        Assert.Equal(["cmid-0", "cmid-1", "cmid-2"], Cmids(VisitLog.ReadAfter(LogFile, positions[1] with { Id = Guid.NewGuid() })));
    }

    [Fact]
    public void A_missing_or_foreign_file_holds_no_records()
    {
        Assert.Empty(VisitLog.ReadAfter(LogFile, default));
        File.WriteAllText(LogFile, "not a visit log, but long enough to hold a header");
        Assert.Empty(VisitLog.ReadAfter(LogFile, default));
    }

    [Theory]
    [InlineData(int.MinValue)]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(64 * 1024 + 1)]
    [InlineData(int.MaxValue)]
    public void A_frame_with_an_impossible_length_ends_the_log_without_an_error(int length)
    {
        var positions = WriteVisits(1);
        var frame = new byte[16 + 8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(frame, length);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(frame.AsSpan(8), 1);
        File.WriteAllBytes(LogFile, [.. File.ReadAllBytes(LogFile), .. frame]);

        var read = VisitLog.ReadAfter(LogFile, default, out var unread);

        Assert.Equal(["cmid-0"], Cmids(read));
        Assert.Equal(frame.Length, unread);
        Assert.Empty(VisitLog.ReadAfter(LogFile, positions[0] with { Offset = long.MaxValue }));
    }

    [Fact]
    public void A_log_that_needs_a_restart_takes_no_record_until_it_has_one()
    {
        using var log = VisitLog.StartAfresh(LogFile, flushToDisk: false);
        var visit = LoggedRecord.ForVisit(new ClientVisit("cmid-0", "contoso-desktop", "hw", "InitialGrace", At), null, returning: false);
        log.AfterWrite = () => throw new IOException("simulated I/O error");
        Assert.Throws<IOException>(() => log.Append([visit], new LogPosition[1]));
        log.AfterWrite = null;

        Assert.True(log.NeedsRestart);
        Assert.Throws<InvalidOperationException>(() => log.Append([visit], new LogPosition[1]));
        var failedId = log.Id;
        log.Restart();
        log.Append([visit], new LogPosition[1]);

        Assert.NotEqual(failedId, log.Id);
        Assert.Equal(["cmid-0"], Cmids(VisitLog.ReadAfter(LogFile, default)));
    }

    [Fact]
    public void A_position_reads_back_from_its_text_form()
    {
        var position = new LogPosition(Guid.NewGuid(), 4096, 17);

        Assert.Equal(position, LogPosition.Parse(position.ToString()));
        Assert.Equal(default, LogPosition.Parse("garbage"));
        Assert.Equal(default, LogPosition.Parse(null));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private LogPosition[] WriteVisits(int count)
    {
        var records = Enumerable.Range(0, count)
            .Select(i => LoggedRecord.ForVisit(new ClientVisit($"cmid-{i}", "contoso-desktop", "hw", "InitialGrace", At), null, returning: false))
            .ToList();
        var positions = new LogPosition[count];
        using var log = VisitLog.StartAfresh(LogFile, flushToDisk: false);
        log.Append(records, positions);
        return positions;
    }

    private static List<string> Cmids(List<(LoggedRecord Record, LogPosition After)> read) => [.. read.Select(r => r.Record.Visit!.Cmid)];
}
