using System.Diagnostics;
using ProductKeys.Testing;

namespace ProductKeys.KmsHost.Tests.EndToEnd;

/// <summary>The same story through the Native AOT <c>pk-kms-host</c>: what an operator who publishes it gets.</summary>
public sealed partial class KmsEndToEndTests
{
    [Fact]
    public async Task The_native_host_refuses_before_activation_licenses_devices_after_and_keeps_its_count_through_a_kill()
    {
        var data = Path.Combine(_root, "host");
        var trust = Path.Combine(_root, "publisher.pem");
        Directory.CreateDirectory(_root);
        Core.Signing.SigningKeyFile.SavePublicKeys(trust, new Core.Signing.TrustedKeySet(_publisher.PublicKey));
        var clientKey = Core.Keys.ProductKey.Derive(Core.Keys.KeyType.KmsClientSetup, 42, 0, new byte[32]).ToString();
        var port = FreeTcpPort();

        using (var first = Process.Start(NativeHost.StartInfo("--data", data, "--urls", $"http://127.0.0.1:{port}"))!)
        {
            try
            {
                Assert.Equal(port, await ReadPortAsync(first));
                // A problem details answer, serialized without reflection.
                var early = await Device(0, clientKey, port);
                Assert.True(early.ExitCode == 20, early.ToString());
                Assert.Contains("KMS_HOST_NOT_ACTIVATED", early.Error, StringComparison.Ordinal);

                // Activated while it runs (by pk, on the same data folder): the native host picks the certificate up.
                await ActivateHostOfflineAsync(data, trust, threshold: 2);
                var notYet = await Device(1, clientKey, port);
                Assert.True(notYet.ExitCode == 19, notYet.ToString());
                var licensed = await Device(2, clientKey, port);
                Assert.True(licensed.ExitCode == 0, licensed.ToString());
                AssertLicensedFor180Days(licensed.Json);
            }
            finally
            {
                first.Kill();
                await first.WaitForExitAsync(TestContext.Current.CancellationToken);
            }
        }

        // The first host ran in the default mode (synchronous=NORMAL) and was killed with SIGKILL: a new
        // native host (--sync full this time) still knows both clients, so the third is activated at once.
        using var second = Process.Start(NativeHost.StartInfo("--data", data, "--urls", $"http://127.0.0.1:{port}", "--sync", "full"))!;
        try
        {
            Assert.Equal(port, await ReadPortAsync(second));
            var third = await Device(3, clientKey, port);
            Assert.True(third.ExitCode == 0, third.ToString());
            var status = await PkProcess.RunAsync("kms-host", "status", "--data", data, "--json");
            Assert.True(status.ExitCode == 0, status.ToString());
            var product = status.Json.GetProperty("products").EnumerateArray().Single(p => p.GetProperty("product").GetString() == Product);
            Assert.Equal(3, product.GetProperty("count").GetInt32());
            Assert.Equal(2, status.Json.GetProperty("activations").GetInt64());
        }
        finally
        {
            await StopAsync(second);
        }

        Assert.Equal(0, second.ExitCode);
    }

    [Fact]
    public async Task The_native_host_takes_the_same_options_as_pk_kms_host_serve()
    {
        var native = await RunNativeAsync("--help");
        var pk = await PkProcess.RunAsync("kms-host", "serve", "--help");

        Assert.Equal(0, native.ExitCode);
        // --field and --where are pk's script helpers for commands that print a result; a server prints none.
        Assert.Equal(Options(pk.Output).Except(["--field", "--where"]), Options(native.Output));
        Assert.Contains("--sync", Options(native.Output));
        // A value the option does not take: USAGE_INVALID in words (not System.CommandLine's), exit 2, nothing created.
        var refused = await RunNativeAsync("--data", Path.Combine(_root, "x"), "--sync", "sometimes");
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.StartsWith("USAGE_INVALID: --sync takes one of full, normal; 'sometimes' is not one.", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("not recognized", refused.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, "x")));
    }

    [Fact]
    public Task The_native_host_without_its_sqlite_library_names_the_file_and_where_it_belongs_with_a_stable_code() =>
        NativeServerAlone.AssertRefusedWithoutItsSqliteLibraryAsync(NativeHost.Path, _root, "scripts/publish-kms-host.sh");

    /// <summary>The options a help text lists, less those of the program rather than the command (pk's --json, a root command's --version).</summary>
    private static string[] Options(string help) =>
        [.. help.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("--", StringComparison.Ordinal)).Select(l => l.Split(' ')[0])
            .Except(["--json", "--version"], StringComparer.Ordinal)];

    private static async Task<PkResult> RunNativeAsync(params string[] arguments)
    {
        using var process = Process.Start(NativeHost.StartInfo(arguments))!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return new PkResult(process.ExitCode, await output, await error);
    }
}
