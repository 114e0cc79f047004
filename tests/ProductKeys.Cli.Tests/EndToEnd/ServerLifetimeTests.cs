using System.Diagnostics;

namespace ProductKeys.Cli.Tests.EndToEnd;

public sealed class ServerLifetimeTests
{
    [Fact]
    public async Task Pk_server_prints_its_address_and_stops_cleanly_on_SIGTERM()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var data = Path.Combine(Path.GetTempPath(), "pk-cli-e2e", Guid.NewGuid().ToString("N"));
        var url = $"http://127.0.0.1:{DemoServerFixture.FreePort()}";
        using var server = Process.Start(Pk.StartInfo(null, "server", "--data", data, "--urls", url))!;
        server.StandardInput.Close();
        var listening = new TaskCompletionSource<string>();
        server.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("listening on", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult(e.Data);
            }
        };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();

        var line = await listening.Task.WaitAsync(Patience.Process, TestContext.Current.CancellationToken);
        Assert.Contains(url, line, StringComparison.Ordinal);
        using (var kill = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        await server.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, server.ExitCode);
        Assert.True(File.Exists(Path.Combine(data, "secrets", "key-groups.key")));
        Directory.Delete(data, recursive: true);
    }
}
