using Npgsql;
using ProductKeys.Data;

namespace ProductKeys.Service.Tests.Persistence;

public sealed class DatabaseSettingsTests
{
    [Fact]
    public void PostgreSQL_prepares_frequent_statements_unless_the_connection_string_says_how_many()
    {
        var defaulted = new NpgsqlConnectionStringBuilder(DatabaseSettings.ForPostgres("Host=db;Database=pk;Password=secret").ConnectionString);
        var chosen = new NpgsqlConnectionStringBuilder(DatabaseSettings.ForPostgres("Host=db;Database=pk;Max Auto Prepare=5").ConnectionString);
        var disabled = new NpgsqlConnectionStringBuilder(DatabaseSettings.ForPostgres("Host=db;Database=pk;maxautoprepare=0").ConnectionString);

        Assert.Equal(64, defaulted.MaxAutoPrepare);
        Assert.Equal("secret", defaulted.Password);
        Assert.Equal(5, chosen.MaxAutoPrepare);
        Assert.Equal(0, disabled.MaxAutoPrepare);
    }
}
