using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ProductKeys.Data;
using ProductKeys.Service.Hosting;

namespace ProductKeys.Service.Tests.Infrastructure;

/// <summary>
/// One real service on Kestrel 127.0.0.1:0 with its own database, shared by a test class, seeded
/// with a <see cref="TestWorld"/>. Subclasses choose the provider.
/// </summary>
public abstract class ServiceFixture : IAsyncLifetime
{
    private WebApplication? _app;
    private HttpClient? _client;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "pk-service-tests", Guid.NewGuid().ToString("N"));

    private TestWorld? _world;

    public TestWorld World
    {
        get
        {
            SkipIfUnavailable();
            return _world!;
        }
    }

    /// <summary>Null on SQLite; the test database's connection string on PostgreSQL.</summary>
    public string? PostgresConnectionString { get; private set; }

    public WebApplication App
    {
        get
        {
            SkipIfUnavailable();
            return _app ?? throw new InvalidOperationException("The fixture did not start.");
        }
    }

    public HttpClient Client
    {
        get
        {
            SkipIfUnavailable();
            return _client!;
        }
    }

    /// <summary>Settings a test adds to (or overrides in) the fixture's own, e.g. an OTLP endpoint.</summary>
    public IReadOnlyDictionary<string, string?> ExtraConfiguration { get; init; } = new Dictionary<string, string?>();

    public ServerOptions Options => new()
    {
        DataDirectory = DataDirectory,
        PostgresConnectionString = PostgresConnectionString,
        Urls = "http://127.0.0.1:0",
        Migrate = true,
        Configuration = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["SignIn:MaxFailures"] = "3",
            ["SignIn:MaxAttemptsPerAddress"] = "40",
            // Every test client is 127.0.0.1: tests of refusals must not trip the failed-guess throttle.
            ["Activations:MaxFailuresPerAddress"] = "100000",
        }.Concat(ExtraConfiguration).GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Last().Value),
    };

    public virtual async ValueTask InitializeAsync()
    {
        PostgresConnectionString = await CreateDatabaseAsync();
        if (IsSkipped)
        {
            return;
        }

        _app = await LicensingServiceHost.BuildAsync(Options);
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
        _world = await TestWorld.SeedAsync(_app.Services);
    }

    public virtual async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await DropDatabaseAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }

        GC.SuppressFinalize(this);
    }

    protected virtual bool IsSkipped => false;

    protected abstract Task<string?> CreateDatabaseAsync();

    protected virtual Task DropDatabaseAsync() => Task.CompletedTask;

    protected virtual void SkipIfUnavailable()
    {
    }

    public async Task<HttpResponseMessage> SendAsync(string? user, HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", World.Tokens[user]);
        }

        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public Task<HttpResponseMessage> GetAsync(string? user, string path) => SendAsync(user, HttpMethod.Get, path);

    public Task<HttpResponseMessage> PostJsonAsync(string? user, string path, object body) =>
        SendAsync(user, HttpMethod.Post, path, JsonContent.Create(body));

    public async Task<T> WithDbAsync<T>(Func<LicensingDbContext, Task<T>> action)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<LicensingDbContext>());
    }
}
