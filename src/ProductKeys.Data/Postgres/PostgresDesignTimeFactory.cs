using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ProductKeys.Data.Postgres;

/// <summary>Lets <c>dotnet ef</c> build the PostgreSQL context without a host or a server.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresLicensingDbContext>
{
    public PostgresLicensingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresLicensingDbContext>().UseNpgsql("Host=localhost;Database=productkeys").Options);
}
