using Npgsql;

namespace ProductKeys.Data;

/// <summary>
/// Which database failures are the database's and not the request's: the one place that tells them
/// apart, for every path that meets them (the API's exception handler, <c>pk server</c> at start).
/// A node of several behind a load balancer must answer a restart of PostgreSQL with "503, retry",
/// never with 500, which says "a bug" (docs/adr/0029-load-balancer-and-outages.md).
/// </summary>
public static class DatabaseOutage
{
    /// <summary>
    /// The exception, or one it wraps, that says the database cannot be reached or used right now;
    /// <c>null</c> when there is none, so that a bug stays a bug.
    /// </summary>
    /// <remarks>
    /// Outages: anything Npgsql raises about the connection itself (refused, reset, a stream that
    /// ended, a timeout — opening, reading, or waiting for a pooled connection), and what PostgreSQL
    /// says about the session rather than the statement: class 08 (connection), 28 (who may sign in),
    /// 3D000 (no such database), 53300 (too many connections), 57P01–57P03 (shutting down, crashed,
    /// starting up). Not outages: anything else PostgreSQL answers (a constraint, a deadlock, a
    /// syntax error), and <see cref="NpgsqlOperationInProgressException"/> (two commands on one
    /// connection: our bug).
    /// </remarks>
    public static Exception? Find(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres when IsSessionState(postgres.SqlState):
                    return postgres;
                case PostgresException or NpgsqlOperationInProgressException:
                    return null;
                case NpgsqlException:
                    return e;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="exception"/> is an outage (see <see cref="Find"/>).</summary>
    public static bool IsOutage(Exception exception) => Find(exception) is not null;

    /// <summary>
    /// PostgreSQL stopped the statement's transaction because another transaction changed the same
    /// rows at the same moment (40P01 deadlock, 40001 serialization failure): the database is up,
    /// this request lost a race and nothing of that transaction was kept.
    /// </summary>
    public static bool IsContention(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException postgres)
            {
                return postgres.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure;
            }
        }

        return false;
    }

    /// <summary>
    /// Closes every idle pooled connection. When PostgreSQL restarts, each connection idle in a pool
    /// is dead, and Npgsql notices only by failing the next request that uses it: a node would answer
    /// one more 503 per pooled connection after the database is back.
    /// </summary>
    public static void ForgetPooledConnections() => NpgsqlConnection.ClearAllPools();

    private static bool IsSessionState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal)
        || state.StartsWith("28", StringComparison.Ordinal)
        || state is PostgresErrorCodes.InvalidCatalogName or PostgresErrorCodes.TooManyConnections
            or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow;
}
