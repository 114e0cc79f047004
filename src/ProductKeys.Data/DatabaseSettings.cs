namespace ProductKeys.Data;

/// <summary>Which database the service uses: SQLite in the data folder, or PostgreSQL.</summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString)
{
    public const string SqliteFileName = "productkeys.db";

    /// <summary>SQLite in <paramref name="dataDirectory"/>; writers wait up to 30 s for the file lock.</summary>
    public static DatabaseSettings ForDataDirectory(string dataDirectory) =>
        new(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(dataDirectory, SqliteFileName)};Default Timeout=30");

    public static DatabaseSettings ForPostgres(string connectionString) => new(DatabaseProvider.Postgres, connectionString);

    /// <summary>Connection string with any password removed, for messages.</summary>
    public string Describe() => Provider == DatabaseProvider.Sqlite
        ? ConnectionString.Split(';')[0]
        : string.Join(';', ConnectionString.Split(';').Where(p => !p.TrimStart().StartsWith("Password", StringComparison.OrdinalIgnoreCase)));
}
