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

    [Theory]
    [InlineData("Host=db;Database=pk;Username=pk;Password=s3cret-pw")]
    [InlineData("Host=db;Database=pk;Username=pk;Pwd=s3cret-pw")]
    [InlineData("Host=db;Database=pk;Username=pk;PSW=s3cret-pw")]
    [InlineData("Host=db;Database=pk;Username=pk;Password='x;s3cret-pw'")]
    [InlineData("Host=db;Database=pk;Username=pk;Password=\"x;s3cret-pw;y\"")]
    [InlineData("Host=db;Database=pk;Username=pk; password = s3cret-pw ")]
    public void The_connection_string_described_in_messages_holds_no_password(string connectionString)
    {
        var settings = DatabaseSettings.ForPostgres(connectionString);

        var described = settings.Describe();

        Assert.DoesNotContain("s3cret", described, StringComparison.Ordinal);
        Assert.Contains("Host=db", described, StringComparison.Ordinal);
        Assert.Contains("Database=pk", described, StringComparison.Ordinal);
        // Only the description leaves the password out: Npgsql still gets it whole.
        Assert.Equal(new NpgsqlConnectionStringBuilder(connectionString).Password, new NpgsqlConnectionStringBuilder(settings.ConnectionString).Password);
    }
}
