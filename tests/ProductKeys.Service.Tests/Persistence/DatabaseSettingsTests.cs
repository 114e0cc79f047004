using Microsoft.Data.Sqlite;
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

    [Theory]
    [InlineData("data;Mode=Memory")]
    [InlineData("a;Cache=Shared;b")]
    [InlineData("it's \"quoted\" = here")]
    public void A_data_folder_is_the_SQLite_data_source_whatever_its_name_holds(string name)
    {
        var folder = Path.Combine(Path.GetTempPath(), name);

        var settings = DatabaseSettings.ForDataDirectory(folder);

        // Before, the name was pasted into the connection string: a ';' in it began keywords of its own, or was INTERNAL_ERROR.
        var sqlite = new SqliteConnectionStringBuilder(settings.ConnectionString);
        Assert.Equal(Path.Combine(folder, DatabaseSettings.SqliteFileName), sqlite.DataSource);
        Assert.Equal((SqliteOpenMode.ReadWriteCreate, SqliteCacheMode.Default, 30), (sqlite.Mode, sqlite.Cache, sqlite.DefaultTimeout));
        Assert.Equal($"Data Source={sqlite.DataSource}", settings.Describe());
    }
}
