using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>A real <c>pk server --demo</c> process on a free loopback port, with its demo.json.</summary>
public sealed class DemoServerFixture : IAsyncLifetime
{
    private Process? _server;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "pk-cli-e2e", Guid.NewGuid().ToString("N"));

    public string Url { get; private set; } = "";

    public JsonElement Demo { get; private set; }

    public string AccountId => Demo.GetProperty("billingAccounts")[0].GetProperty("id").GetString()!;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask InitializeAsync()
    {
        Url = $"http://127.0.0.1:{FreePort()}";
        _server = Process.Start(Pk.StartInfo(null, "server", "--demo", "--data", DataDirectory, "--urls", Url))!;
        _server.StandardInput.Close();
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        var demoPath = Path.Combine(DataDirectory, "demo.json");
        using var http = new HttpClient();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_server.HasExited)
            {
                throw new InvalidOperationException($"pk server --demo exited with {_server.ExitCode} before it was ready.");
            }

            if (File.Exists(demoPath) && await IsHealthyAsync(http))
            {
                try
                {
                    Demo = JsonDocument.Parse(await File.ReadAllTextAsync(demoPath)).RootElement.Clone();
                    break;
                }
                catch (JsonException)
                {
                    // Still being written.
                }
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("pk server --demo did not write demo.json and answer /healthz within 60 s.");
            }

            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }

        _server?.Dispose();
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

    private async Task<bool> IsHealthyAsync(HttpClient http)
    {
        try
        {
            return (await http.GetAsync(Url + "/healthz")).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
