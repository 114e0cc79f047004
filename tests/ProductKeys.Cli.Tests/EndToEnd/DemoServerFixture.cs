using System.Text.Json;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>A real <c>pk server --demo</c> process on a free loopback port, with its demo.json.</summary>
public sealed class DemoServerFixture : IAsyncLifetime
{
    private PkServerProcess? _server;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "pk-cli-e2e", Guid.NewGuid().ToString("N"));

    public string Url => _server?.Url ?? "";

    public JsonElement Demo { get; private set; }

    public string AccountId => Demo.GetProperty("billingAccounts")[0].GetProperty("id").GetString()!;

    public static int FreePort() => PkServerProcess.FreePort();

    public async ValueTask InitializeAsync()
    {
        var demoPath = Path.Combine(DataDirectory, "demo.json");
        _server = await PkServerProcess.StartAsync(async () =>
        {
            try
            {
                Demo = JsonDocument.Parse(await File.ReadAllTextAsync(demoPath)).RootElement.Clone();
                return true;
            }
            catch (Exception e) when (e is IOException or JsonException)
            {
                return false; // not written yet, or still being written
            }
        }, "--demo", "--data", DataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    public string Token(string user) =>
        Demo.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("name").GetString() == user).GetProperty("token").GetString()!;
}
