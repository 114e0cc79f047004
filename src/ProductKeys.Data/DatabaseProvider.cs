namespace ProductKeys.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
