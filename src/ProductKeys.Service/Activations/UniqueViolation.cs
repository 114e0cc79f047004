using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ProductKeys.Service.Activations;

internal static class UniqueViolation
{
    /// <summary>True when a save failed on a unique index (SQLite constraint 2067, PostgreSQL 23505).</summary>
    public static bool Is(DbUpdateException e) => e.InnerException is DbException inner && Is(inner);

    /// <summary>True when a statement failed on a unique index (SQLite constraint 2067 or 1555, PostgreSQL 23505).</summary>
    public static bool Is(DbException e) => e switch
    {
        SqliteException s => s.SqliteExtendedErrorCode == 2067 || s.SqliteExtendedErrorCode == 1555,
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
