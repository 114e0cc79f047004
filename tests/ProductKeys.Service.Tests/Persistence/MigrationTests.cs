using Microsoft.EntityFrameworkCore;
using ProductKeys.Data.Postgres;
using ProductKeys.Data.Sqlite;

namespace ProductKeys.Service.Tests.Persistence;

/// <summary>Fails when the model changed without 'dotnet ef migrations add' for each provider (docs/operations.md).</summary>
public sealed class MigrationTests
{
    [Fact]
    public void The_SQLite_migrations_match_the_model()
    {
        using var db = new SqliteLicensingDbContext(new DbContextOptionsBuilder<SqliteLicensingDbContext>().UseSqlite("Data Source=:memory:").Options);
        Assert.False(db.Database.HasPendingModelChanges(),
            "The model changed without a migration: cd src/ProductKeys.Data && dotnet ef migrations add NAME --context SqliteLicensingDbContext --output-dir Migrations/Sqlite");
    }

    [Fact]
    public void The_PostgreSQL_migrations_match_the_model()
    {
        using var db = new PostgresLicensingDbContext(new DbContextOptionsBuilder<PostgresLicensingDbContext>().UseNpgsql("Host=localhost;Database=unused").Options);
        Assert.False(db.Database.HasPendingModelChanges(),
            "The model changed without a migration: cd src/ProductKeys.Data && dotnet ef migrations add NAME --context PostgresLicensingDbContext --output-dir Migrations/Postgres");
    }
}
