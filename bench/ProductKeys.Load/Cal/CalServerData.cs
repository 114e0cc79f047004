using System.Diagnostics;
using System.Text.Json;
using ProductKeys.Core.Cal;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;

namespace ProductKeys.Load.Cal;

/// <summary>
/// A CAL server data folder with one pack installed through the real <c>pk cal-server install-pack</c>,
/// offline: the request file it writes is answered by a pack certificate the driver signs with a
/// publisher key of its own (as <c>pk offline activate</c> would with the service's), then installed
/// with <c>--offline-response</c> and <c>--trust</c>.
/// </summary>
internal static class CalServerData
{
    /// <summary>Creates <paramref name="data"/> holding a pack of <paramref name="installed"/> CALs of <paramref name="mode"/>.</summary>
    public static async Task CreateAsync(string pk, string data, CalMode mode, int installed)
    {
        var work = Directory.CreateTempSubdirectory("pk-cal-pack-").FullName;
        try
        {
            var requestFile = Path.Combine(work, "request.json");
            var mak = ProductKey.Derive(KeyType.Mak, 1, 1, new byte[32]).ToString();
            await RunPkAsync(pk, "cal-server", "install-pack", "--data", data, "--key", mak, "--offline-request", requestFile);
            using var request = JsonDocument.Parse(await File.ReadAllTextAsync(requestFile));
            var serverId = request.RootElement.GetProperty("serverId").GetString()!;
            var serverKey = request.RootElement.GetProperty("serverPublicKey").GetString()!;

            using var publisher = SigningKey.Generate();
            var trustFile = Path.Combine(work, "publisher-keys.pem");
            SigningKeyFile.SavePublicKeys(trustFile, new TrustedKeySet(publisher.PublicKey));
            var pack = CalPackCertificate.Issue(new ArtifactSigner(publisher, TimeProvider.System), $"bench-{mode}-pack", $"bench-{mode}-cal",
                mode, purchased: installed, installed, serverId, serverKey);
            var responseFile = Path.Combine(work, "response.txt");
            await File.WriteAllTextAsync(responseFile, pack.Text);
            await RunPkAsync(pk, "cal-server", "install-pack", "--data", data, "--offline-response", responseFile, "--trust", trustFile);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task RunPkAsync(string pk, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(pk);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pk {string.Join(' ', arguments)} exited {process.ExitCode}: {await output}{await error}");
        }
    }
}
