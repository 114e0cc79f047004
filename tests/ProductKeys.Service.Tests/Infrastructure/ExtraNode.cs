using Microsoft.AspNetCore.Builder;
using ProductKeys.Service.Hosting;

namespace ProductKeys.Service.Tests.Infrastructure;

/// <summary>
/// Another node of the fixture's deployment: the same database (the same SQLite file, or the same
/// PostgreSQL database) and the same secrets, in the same process, with settings of its own.
/// </summary>
public sealed class ExtraNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ExtraNode(WebApplication app)
    {
        _app = app;
        Client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
    }

    public HttpClient Client { get; }

    public WebApplication App => _app;

    /// <summary>A node of another deployment (e.g. one restored from a backup): its own options.</summary>
    public static async Task<ExtraNode> StartAsync(ServerOptions options)
    {
        var app = await LicensingServiceHost.BuildAsync(options);
        await app.StartAsync();
        return new ExtraNode(app);
    }

    public static async Task<ExtraNode> StartAsync(ServiceFixture fixture, params (string Key, string Value)[] settings)
    {
        _ = fixture.App; // skips when the fixture's database is unavailable
        var configuration = new Dictionary<string, string?>(fixture.Options.Configuration);
        foreach (var (key, value) in settings)
        {
            configuration[key] = value;
        }

        var app = await LicensingServiceHost.BuildAsync(fixture.Options with { Configuration = configuration });
        await app.StartAsync();
        return new ExtraNode(app);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
