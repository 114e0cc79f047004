namespace ProductKeys.Service.Tests.Infrastructure;

/// <summary>The service on SQLite in a temporary data folder.</summary>
public sealed class SqliteFixture : ServiceFixture
{
    protected override Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(null);
}
