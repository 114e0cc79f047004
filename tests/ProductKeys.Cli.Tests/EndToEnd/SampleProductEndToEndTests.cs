using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// What a publisher does: pack ProductKeys.Client into a local feed, export the publisher keys with
/// 'pk publisher-keys export', build samples/ConsoleProduct (a copy outside the repository, so nothing
/// of the repository's build is inherited) from the package, and run it against a real
/// 'pk server --demo' (MAK) and a real 'pk kms-host serve' (KMS).
/// </summary>
public sealed class SampleProductEndToEndTests(DemoServerFixture server) : IClassFixture<DemoServerFixture>, IAsyncDisposable
{
    private static readonly string Repository = FindRepository();
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-sample-e2e-").FullName;
    private KmsHostWithDevices? _kms;
    private string? _version;

    [Fact]
    public async Task The_console_sample_built_from_the_package_activates_with_a_MAK_and_through_a_KMS_host()
    {
        // A version of its own, so the global package cache never hands back an older build.
        var version = _version = $"0.1.0-e2e.{Guid.NewGuid():N}"[..22];
        var feed = Path.Combine(_folder, "feed");
        await RunAsync("dotnet", "pack", Path.Combine(Repository, "src", "ProductKeys.Client"), "-c", "Release", "-o", feed,
            $"-p:Version={version}", $"-p:ArtifactsPath={Path.Combine(_folder, "artifacts")}");
        AssertNoServerDependencies(feed, version);

        var samples = Path.Combine(_folder, "samples");
        CopyFolder(Path.Combine(Repository, "samples"), samples);
        var pem = Path.Combine(samples, "ConsoleProduct", "publisher-keys.pem");
        var exported = await Pk.RunAsync("publisher-keys", "export", "--service", server.Url, "--out", pem);
        Assert.True(exported.ExitCode == 0, exported.ToString());
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", await File.ReadAllTextAsync(pem, TestContext.Current.CancellationToken), StringComparison.Ordinal);

        var output = Path.Combine(_folder, "out");
        await RunAsync("dotnet", "build", Path.Combine(samples, "ConsoleProduct"), "-c", "Release", "-o", output,
            $"-p:ProductKeysVersion={version}", $"-p:RestoreAdditionalProjectSources={feed}");
        var product = Path.Combine(output, "ConsoleProduct.dll");

        var fresh = await RunAsync(expectSuccess: false, "dotnet", product, "--store", Path.Combine(_folder, "fresh"));
        Assert.Contains("state: Unlicensed", fresh.Stdout, StringComparison.Ordinal);

        // MAK: online activation, permanent; the store is the same one 'pk' reads.
        var makStore = Path.Combine(_folder, "mak");
        var mak = await KmsHostWithDevices.KeyOfTypeAsync(server, "Mak");
        var activated = await RunAsync("dotnet", product, "--key", mak, "--service", server.Url, "--store", makStore, "--device-id", "sample-mak-1");
        Assert.Contains("activation: done", activated.Stdout, StringComparison.Ordinal);
        Assert.Contains("state: Licensed", activated.Stdout, StringComparison.Ordinal);
        Assert.Contains("expires: -", activated.Stdout, StringComparison.Ordinal);
        var restarted = await RunAsync("dotnet", product, "--store", makStore, "--device-id", "sample-mak-1");
        Assert.Contains("state: Licensed", restarted.Stdout, StringComparison.Ordinal);
        var dli = await Pk.RunAsync("dli", "--store", makStore, "--json");
        Assert.Equal("Licensed", dli.Json.GetProperty("state").GetString());

        // KMS: four devices activated with pk, the sample is the fifth and reaches the threshold.
        _kms = await KmsHostWithDevices.StartAsync(server, Path.Combine(_folder, "kms"));
        await _kms.ActivateDevicesAsync(server, 4);
        var kmsStore = Path.Combine(_folder, "kms-sample");
        var kms = await RunAsync("dotnet", product, "--key", KmsHostWithDevices.KmsClientKey(server), "--kms", _kms.Address, "--store", kmsStore, "--device-id", "sample-kms-5");
        Assert.Contains("state: Licensed", kms.Stdout, StringComparison.Ordinal);
        var expires = DateTimeOffset.Parse(kms.Stdout.Split('\n').Single(l => l.StartsWith("expires: ", StringComparison.Ordinal))["expires: ".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires - TimeProvider.System.GetUtcNow(), TimeSpan.FromDays(179), TimeSpan.FromDays(180));

        // The worker sample, from the same package: its hosted service runs the renewal loop and the
        // product reads the license the console sample activated; SIGTERM stops the host cleanly.
        File.Copy(pem, Path.Combine(samples, "WorkerProduct", "publisher-keys.pem"));
        var worker = Path.Combine(_folder, "worker");
        await RunAsync("dotnet", "build", Path.Combine(samples, "WorkerProduct"), "-c", "Release", "-o", worker,
            $"-p:ProductKeysVersion={version}", $"-p:RestoreAdditionalProjectSources={feed}");
        await RunWorkerUntilAsync(Path.Combine(worker, "WorkerProduct.dll"), makStore, "sample-mak-1",
            "License contoso-server: NothingDue. Activated with a MAK: permanent, nothing to renew.", "License: Licensed.");
    }

    private static async Task RunWorkerUntilAsync(string worker, string store, string deviceId, params string[] expected)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { worker, "--store", store, "--device-id", deviceId })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        using var process = Process.Start(info)!;
        try
        {
            var missing = expected.ToList();
            using var timeout = new CancellationTokenSource(Patience.Process);
            while (missing.Count > 0 && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                missing.RemoveAll(text => line.Contains(text, StringComparison.Ordinal));
            }

            Assert.Empty(missing);
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(timeout.Token);
            }

            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_kms is not null)
        {
            await _kms.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);

        // The run's own package version served its purpose: leave the global package cache as it was.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "productkeys.client", "productkeys.core" })
        {
            var cached = Path.Combine(cache, id, _version ?? "-");
            if (_version is not null && Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }
        }
    }

    /// <summary>Neither package may bring ASP.NET Core, EF Core or Npgsql into a product.</summary>
    private static void AssertNoServerDependencies(string feed, string version)
    {
        string[] banned = ["Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore", "Npgsql", "Microsoft.Data.Sqlite"];
        var ids = new List<string>();
        foreach (var package in new[] { "ProductKeys.Client", "ProductKeys.Core" })
        {
            using var zip = ZipFile.OpenRead(Path.Combine(feed, $"{package}.{version}.nupkg"));
            using var nuspec = zip.GetEntry($"{package}.nuspec")!.Open();
            var document = XDocument.Load(nuspec);
            Assert.NotNull(document.Descendants().SingleOrDefault(e => e.Name.LocalName == "license"));
            ids.AddRange(document.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")!.Value));
            Assert.Contains(zip.Entries, e => e.FullName == "README.md");
            Assert.Contains(zip.Entries, e => e.FullName == $"lib/net10.0/{package}.xml");
        }

        Assert.Contains("ProductKeys.Core", ids);
        Assert.DoesNotContain(ids, id => banned.Any(b => id.StartsWith(b, StringComparison.OrdinalIgnoreCase)));
        Assert.True(File.Exists(Path.Combine(feed, $"ProductKeys.Client.{version}.snupkg")));
    }

    private static Task<Pk.Result> RunAsync(string file, params string[] args) => RunAsync(expectSuccess: true, file, args);

    private static async Task<Pk.Result> RunAsync(bool expectSuccess, string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within 10 minutes.");
        }

        var result = new Pk.Result(process.ExitCode, await stdout, await stderr);
        Assert.True(!expectSuccess || result.ExitCode == 0, $"{file} {string.Join(' ', args)}\n{result}");
        return result;
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj") || relative.EndsWith(".pem", StringComparison.Ordinal))
            {
                continue;
            }

            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static string FindRepository()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        while (here is not null && !File.Exists(Path.Combine(here.FullName, "ProductKeys.slnx")))
        {
            here = here.Parent;
        }

        return here?.FullName ?? throw new DirectoryNotFoundException("The repository (ProductKeys.slnx) is not above the test's folder.");
    }
}
