using System.Globalization;
using Microsoft.Data.Sqlite;
using ProductKeys.KmsHost.Counting;

namespace ProductKeys.KmsHost.Tests;

/// <summary>
/// The count store's visit log and its folds into kms.db (docs/adr/0011-kms-visit-log.md): every
/// answered visit reaches the tables exactly once, whoever folds it and whenever the host stops.
/// </summary>
public sealed class LogFoldTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Directory.CreateTempSubdirectory("pk-kms-fold-").FullName;

    private string DatabaseFile => Path.Combine(_folder, "kms.db");

    [Fact]
    public async Task Status_from_outside_the_host_sees_every_answered_visit_and_counts_none_twice()
    {
        using var database = OpenWithoutBackgroundFolds();
        await VisitAsync(database, 0, 100);

        Assert.Equal((100, 100L, 50L), KmsDatabase.ReadFolded(DatabaseFile, Totals));

        await VisitAsync(database, 100, 50);
        Assert.Equal((150, 150L, 75L), KmsDatabase.ReadFolded(DatabaseFile, Totals));
        // The host's own fold skips what the outside fold took.
        Assert.Equal((150, 150L, 75L), database.Read(Totals));
    }

    [Fact]
    public async Task A_long_log_is_started_afresh_once_folded_and_nothing_is_lost_or_doubled()
    {
        using (var database = OpenWithoutBackgroundFolds(restartLogAt: 4096))
        {
            await VisitAsync(database, 0, 200);
            Assert.True(new FileInfo(LogFile).Length > 4096);

            database.Fold();

            Assert.Equal(VisitLog.HeaderBytes, new FileInfo(LogFile).Length);
            Assert.Equal((200, 200L, 100L), KmsDatabase.ReadFolded(DatabaseFile, Totals));
            await VisitAsync(database, 200, 10);
            Assert.Equal((210, 210L, 105L), KmsDatabase.ReadFolded(DatabaseFile, Totals));
        }

        using var reopened = KmsDatabase.Open(DatabaseFile);
        Assert.Equal((210, 210L, 105L), reopened.Read(Totals));
    }

    [Fact]
    public void What_a_host_that_died_left_in_the_log_is_folded_once_when_the_folder_is_next_opened()
    {
        // A host killed before its folder ran: the log holds answered visits the tables do not.
        using (KmsDatabase.Open(DatabaseFile))
        {
        }

        var records = Enumerable.Range(0, 30).Select(i => Visit(i)).ToList();
        using (var log = VisitLog.StartAfresh(LogFile, flushToDisk: false))
        {
            log.Append(records, new LogPosition[records.Count]);
        }

        // Status folds it (from outside the host), then the next host finds nothing more to fold.
        Assert.Equal((30, 30L, 15L), KmsDatabase.ReadFolded(DatabaseFile, Totals));
        using (var database = KmsDatabase.Open(DatabaseFile))
        {
            Assert.Equal((30, 30L, 15L), database.Read(Totals));
            Assert.Equal(30, database.CountHint("contoso-desktop"));
        }

        using var again = KmsDatabase.Open(DatabaseFile);
        Assert.Equal((30, 30L, 15L), again.Read(Totals));
    }

    [Fact]
    public void A_second_host_on_the_same_folder_is_refused()
    {
        using var first = KmsDatabase.Open(DatabaseFile);

        var refused = Assert.Throws<KmsDataFolderBusyException>(() => KmsDatabase.Open(DatabaseFile));
        Assert.Contains("Another KMS host", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_a_failed_append_the_next_answers_go_to_a_new_log_so_none_is_lost_to_a_fold_that_read_the_failed_bytes()
    {
        using var database = OpenWithoutBackgroundFolds();
        await VisitAsync(database, 0, 3);
        // The write of client 3's visit reaches the file, then fails (say the flush reports an I/O
        // error); meanwhile status folds the file, failed bytes included.
        database.Log.AfterWrite = () =>
        {
            KmsDatabase.ReadFolded(DatabaseFile, Totals);
            throw new IOException("simulated I/O error");
        };
        await Assert.ThrowsAsync<IOException>(() => VisitAsync(database, 3, 1));
        database.Log.AfterWrite = null;

        await VisitAsync(database, 4, 2);

        // Every answered client is in the tables, whoever folded; client 3, answered with an error, may be too.
        int[] answered = [0, 1, 2, 4, 5];
        var expected = answered.Select(i => $"cmid-{i}").ToHashSet();
        Assert.Superset(expected, KmsDatabase.ReadFolded(DatabaseFile, Cmids));
        Assert.Superset(expected, database.Read(Cmids));
        Assert.Equal(5, database.CountHint("contoso-desktop"));
    }

    [Fact]
    public async Task After_a_failed_restart_of_the_log_the_next_answers_still_reach_a_readable_log()
    {
        using var database = OpenWithoutBackgroundFolds(restartLogAt: 4096);
        await VisitAsync(database, 0, 50);
        database.Log.AfterTruncate = () => throw new IOException("simulated I/O error");
        Assert.Throws<IOException>(database.Fold);
        database.Log.AfterTruncate = null;

        await VisitAsync(database, 50, 5);

        Assert.Equal((55, 55L, 28L), KmsDatabase.ReadFolded(DatabaseFile, Totals));
    }

    [Fact]
    public async Task A_reader_holding_a_snapshot_does_not_keep_the_log_from_being_started_afresh()
    {
        using var database = OpenWithoutBackgroundFolds(restartLogAt: 4096);
        await VisitAsync(database, 0, 100);
        database.Fold();
        // A backup, or a sqlite3 shell, reading kms.db from an older snapshot than the next fold's.
        using var reader = new SqliteConnection($"Data Source={DatabaseFile};Pooling=False");
        reader.Open();
        using var snapshot = reader.BeginTransaction(deferred: true);
        Assert.Equal(100L, Convert.ToInt64(KmsTables.Scalar(reader, "SELECT COUNT(*) FROM clients;"), CultureInfo.InvariantCulture));
        await VisitAsync(database, 100, 100);

        database.Fold();

        Assert.Equal(VisitLog.HeaderBytes, new FileInfo(LogFile).Length);
        Assert.Equal((200, 200L, 100L), database.Read(Totals));
    }

    [Fact]
    public async Task Concurrent_visits_outside_folds_and_log_restarts_count_every_visit_once()
    {
        const int Writers = 8, VisitsEach = 150, Round = 25;
        using (var database = KmsDatabase.Open(DatabaseFile, KmsSyncMode.Normal, null, restartLogAt: 8 * 1024, foldInterval: TimeSpan.FromMilliseconds(1)))
        {
            // Each writer, after every round of its visits, folds from outside (as status does) and has
            // the host fold (which restarts the log once it is past 8 KiB) while the others write.
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                for (var first = w * VisitsEach; first < (w + 1) * VisitsEach; first += Round)
                {
                    await VisitAsync(database, first, Round);
                    KmsDatabase.ReadFolded(DatabaseFile, Totals);
                    database.Fold();
                }
            }, TestContext.Current.CancellationToken));
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

            Assert.Equal((Writers * VisitsEach, (long)Writers * VisitsEach, Writers * VisitsEach / 2L), database.Read(Totals));
            // The log was started afresh on the way: it is far shorter than the visits written to it.
            Assert.True(new FileInfo(LogFile).Length < Writers * VisitsEach * 50);
        }

        Assert.Equal((Writers * VisitsEach, (long)Writers * VisitsEach, Writers * VisitsEach / 2L), KmsDatabase.ReadFolded(DatabaseFile, Totals));
    }

    [Fact]
    public async Task Closing_while_requests_arrive_keeps_every_answered_visit()
    {
        const int Visits = 2000;
        var database = KmsDatabase.Open(DatabaseFile);
        var answeredSoFar = 0;
        var visits = Enumerable.Range(0, Visits).Select(i => Task.Run<string?>(async () =>
        {
            var record = Visit(i);
            try
            {
                await database.RecordVisitAsync(record.Visit!, _ => record.Activation);
                Interlocked.Increment(ref answeredSoFar);
                return record.Visit!.Cmid;
            }
            catch (ObjectDisposedException)
            {
                return null;
            }
        }, TestContext.Current.CancellationToken)).ToArray();
        // Close once requests are being answered, while others still arrive.
        while (Volatile.Read(ref answeredSoFar) < 50 && !visits.All(v => v.IsCompleted))
        {
            await Task.Yield();
        }

        database.Dispose();

        var answered = (await Task.WhenAll(visits).WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken)).OfType<string>().ToHashSet();
        Assert.InRange(answered.Count, 50, Visits);
        using var reopened = KmsDatabase.Open(DatabaseFile);
        Assert.Superset(answered, reopened.Read(Cmids));
        Assert.Equal(answered.Count, reopened.Read(Totals).Requests);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private string LogFile => Path.Combine(_folder, "kms.log");

    /// <summary>A host whose folds happen only when the test (or a read) asks: no timing in the test.</summary>
    private KmsDatabase OpenWithoutBackgroundFolds(long restartLogAt = 16 * 1024 * 1024) =>
        KmsDatabase.Open(DatabaseFile, KmsSyncMode.Normal, null, restartLogAt, Timeout.InfiniteTimeSpan);

    private static HashSet<string> Cmids(SqliteConnection connection)
    {
        using var command = KmsTables.Command(connection, "SELECT cmid FROM clients;");
        using var reader = command.ExecuteReader();
        var cmids = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            cmids.Add(reader.GetString(0));
        }

        return cmids;
    }

    /// <summary>Client <paramref name="i"/>'s visit; every second one is activated.</summary>
    private static LoggedRecord Visit(int i)
    {
        var visit = new ClientVisit($"cmid-{i}", "contoso-desktop", "hw", "InitialGrace", At.AddSeconds(i));
        return LoggedRecord.ForVisit(visit, i % 2 == 0 ? new AcknowledgedActivation($"act-{i:D6}", visit.At, visit.At.AddDays(180), "0123456789abcdef") : null, returning: false);
    }

    private static async Task VisitAsync(KmsDatabase database, int first, int count)
    {
        for (var i = first; i < first + count; i++)
        {
            var record = Visit(i);
            await database.RecordVisitAsync(record.Visit!, _ => record.Activation);
        }
    }

    /// <summary>Clients counted, the requests counter, and activations stored.</summary>
    private static (int Clients, long Requests, long Activations) Totals(SqliteConnection connection) =>
        (Convert.ToInt32(KmsTables.Scalar(connection, "SELECT COUNT(*) FROM clients;"), CultureInfo.InvariantCulture),
         Convert.ToInt64(KmsTables.Scalar(connection, "SELECT value FROM counters WHERE name = 'requests';"), CultureInfo.InvariantCulture),
         Convert.ToInt64(KmsTables.Scalar(connection, "SELECT COUNT(*) FROM activations;"), CultureInfo.InvariantCulture));
}
