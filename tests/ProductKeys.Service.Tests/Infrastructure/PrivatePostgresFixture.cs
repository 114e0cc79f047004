namespace ProductKeys.Service.Tests.Infrastructure;

/// <summary>
/// The service on a PostgreSQL server of its own (<see cref="PrivatePostgres"/>), which a test may
/// stop and start. Needs PostgreSQL installed, not PK_TEST_POSTGRES; PK_SKIP_POSTGRES=1 skips, loudly.
/// </summary>
public sealed class PrivatePostgresFixture : ServiceFixture
{
    private PrivatePostgres? _server;

    public PrivatePostgres Server => _server ?? throw new InvalidOperationException("The fixture did not start.");

    protected override bool IsSkipped => PostgresFixture.OptedOut && PrivatePostgres.FindBinaries() is null;

    protected override void SkipIfUnavailable()
    {
        if (IsSkipped)
        {
            Assert.Skip("PostgreSQL tests SKIPPED because PK_SKIP_POSTGRES=1 and PostgreSQL is not installed: nothing was checked on PostgreSQL.");
        }
    }

    protected override async Task<string?> CreateDatabaseAsync()
    {
        if (IsSkipped)
        {
            await Console.Error.WriteLineAsync("*** PK_SKIP_POSTGRES=1: PostgreSQL tests are SKIPPED. They run in ./test.sh and CI. ***");
            return null;
        }

        _server = await PrivatePostgres.StartAsync();
        return _server.ConnectionString("pk_outage");
    }

    protected override async Task DropDatabaseAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
