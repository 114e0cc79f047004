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
        using var database = KmsDatabase.Open(DatabaseFile);
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
        using (var database = KmsDatabase.Open(DatabaseFile, restartLogAt: 4096))
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

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private string LogFile => Path.Combine(_folder, "kms.log");

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
        (Convert.ToInt32(KmsDatabase.Scalar(connection, "SELECT COUNT(*) FROM clients;"), CultureInfo.InvariantCulture),
         Convert.ToInt64(KmsDatabase.Scalar(connection, "SELECT value FROM counters WHERE name = 'requests';"), CultureInfo.InvariantCulture),
         Convert.ToInt64(KmsDatabase.Scalar(connection, "SELECT COUNT(*) FROM activations;"), CultureInfo.InvariantCulture));
}
