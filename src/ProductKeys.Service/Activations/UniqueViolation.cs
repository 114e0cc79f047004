using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ProductKeys.Service.Activations;

internal static class UniqueViolation
{
    /// <summary>True when a statement failed on a unique index or primary key (SQLite 2067 or 1555, PostgreSQL 23505).</summary>
    public static bool Is(DbException e) => e switch
    {
        SqliteException s => s.SqliteExtendedErrorCode == 2067 || s.SqliteExtendedErrorCode == 1555,
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
