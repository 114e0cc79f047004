using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ProductKeys.Data.Sqlite;

/// <summary>Lets <c>dotnet ef</c> build the SQLite context without a host.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteLicensingDbContext>
{
    public SqliteLicensingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteLicensingDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
