using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ProductKeys.Data;

namespace ProductKeys.Service.Tests.Operations;

/// <summary>
/// Which database failures are outages (503, retry), which are contention (409, retry) and which stay
/// bugs (500): the table of docs/adr/0029-load-balancer-and-outages.md, by SQLSTATE and exception kind.
/// </summary>
public sealed class DatabaseOutageTests
{
    public static TheoryData<string, string> Failures => new()
    {
        { "08006", "outage" },   // connection failure
        { "08001", "outage" },   // unable to establish a connection
        { "28P01", "outage" },   // password refused
        { "3D000", "outage" },   // no such database
        { "53300", "outage" },   // too many connections
        { "57P01", "outage" },   // admin shutdown: pg_ctl stop -m fast, a restart
        { "57P02", "outage" },   // crash shutdown
        { "57P03", "outage" },   // cannot connect now: starting up
        { "40P01", "contention" }, // deadlock detected
        { "40001", "contention" }, // serialization failure
        { "23505", "bug" },      // unique violation: handled where it is expected, else a bug
        { "42P01", "bug" },      // undefined table
        { "53100", "bug" },      // disk full: the database answers, it needs its operator
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void PostgreSQL_errors_are_told_apart_by_SQLSTATE(string state, string expected)
    {
        var error = new PostgresException("as PostgreSQL says it", "FATAL", "FATAL", state);
        Assert.Equal(expected, Kind(error));
        // EF Core wraps what it meets in a save; the classification looks inside.
        Assert.Equal(expected, Kind(new DbUpdateException("An error occurred while saving the entity changes.", error)));
    }

    [Fact]
    public void Npgsql_failures_of_the_connection_itself_are_outages()
    {
        Assert.Equal("outage", Kind(new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.Equal("outage", Kind(new NpgsqlException("Exception while reading from stream", new EndOfStreamException())));
        Assert.Equal("outage", Kind(new NpgsqlException("The connection pool has been exhausted, either raise 'Max Pool Size' (currently 100) or 'Timeout' (currently 15 seconds)", new TimeoutException())));
        Assert.Equal("outage", Kind(new InvalidOperationException("An exception has been raised that is likely due to a transient failure.", new NpgsqlException("Exception while writing to stream"))));
    }

    [Fact]
    public void Everything_else_stays_a_bug()
    {
        Assert.Equal("bug", Kind(new InvalidOperationException("Sequence contains no elements")));
        Assert.Equal("bug", Kind(new TimeoutException()));
        Assert.Equal("bug", Kind(new SqliteException("database is locked", 5)));
        Assert.Equal("bug", Kind(new IOException("disk", new SocketException())));
    }

    [Fact]
    public void The_outage_found_is_the_one_whose_message_explains_it()
    {
        var cause = new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused));
        Assert.Same(cause, DatabaseOutage.Find(new DbUpdateException("saving", cause)));
    }

    private static string Kind(Exception e) =>
        DatabaseOutage.IsOutage(e) ? "outage" : DatabaseOutage.IsContention(e) ? "contention" : "bug";
}
