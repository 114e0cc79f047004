using System.Security.Cryptography;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// A device given the wrong publisher keys (<c>--trust</c> of another key) is refused before it activates: the service's
/// signing key is checked first. Before, the service counted the activation and the device then refused the certificate
/// (SIGNATURE_INVALID): the activation was spent for a device that stayed unlicensed (found by a new-user review).
/// </summary>
public sealed class UntrustedSignerTests(DemoServerFixture server) : IClassFixture<DemoServerFixture>, IDisposable
{
    private const string Product = "contoso-desktop";
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-untrusted-signer-").FullName;

    [Fact]
    public async Task A_device_trusting_another_key_is_refused_before_anything_is_counted_and_activates_once_given_the_right_keys()
    {
        var key = await MakAsync();
        var store = Path.Combine(_folder, "store");
        var foreign = Path.Combine(_folder, "foreign.pem");
        using (var other = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            await File.WriteAllTextAsync(foreign, other.ExportSubjectPublicKeyInfoPem(), TestContext.Current.CancellationToken);
        }

        var before = await UsedAsync(key);
        Assert.Equal(0, (await Pk.RunAsync("ipk", key, "--product", Product, "--store", store, "--service", server.Url, "--device-id", "untrusted-1", "--trust", foreign)).ExitCode);
        var refused = await Pk.RunAsync("ato", "--store", store, "--json");
        Assert.True(refused.ExitCode == ErrorCatalogue.SignatureInvalid.ExitCode, refused.ToString());
        Assert.Contains("nothing was activated", refused.Json.GetProperty("error").GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await UsedAsync(key));

        var keys = Path.Combine(_folder, "publisher-keys.pem");
        Assert.Equal(0, (await Pk.RunAsync("publisher-keys", "export", "--service", server.Url, "--out", keys)).ExitCode);
        Assert.Equal(0, (await Pk.RunAsync("ipk", key, "--product", Product, "--store", store, "--trust", keys)).ExitCode);
        var activated = await Pk.RunAsync("ato", "--store", store, "--json");
        Assert.True(activated.ExitCode == 0, activated.ToString());
        Assert.Equal("Licensed", activated.Json.GetProperty("state").GetString());
        Assert.Equal(before + 1, await UsedAsync(key));
    }

    [Theory]
    [InlineData("contoso-server-device-cal", "Mak")]
    [InlineData("contoso-server", "KmsHost")]
    public async Task A_CAL_server_or_KMS_host_pinning_another_key_is_refused_before_its_key_is_counted(string product, string type)
    {
        var key = await KeyAsync(product, type);
        var foreign = Path.Combine(_folder, $"foreign-{type}.pem");
        using (var other = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            await File.WriteAllTextAsync(foreign, other.ExportSubjectPublicKeyInfoPem(), TestContext.Current.CancellationToken);
        }

        var before = await KeyUsedAsync(key);
        var data = Path.Combine(_folder, $"data-{type}");
        Pk.Result refused = type == "Mak"
            ? await Pk.RunAsync("cal-server", "install-pack", "--data", data, "--key", key, "--service", server.Url, "--trust", foreign, "--json")
            : await Pk.RunAsync("kms-host", "activate", "--data", data, "--key", key, "--service", server.Url, "--trust", foreign, "--json");

        Assert.True(refused.ExitCode == ErrorCatalogue.SignatureInvalid.ExitCode, refused.ToString());
        Assert.Contains("nothing was activated", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, await KeyUsedAsync(key));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<string> KeyAsync(string product, string type)
    {
        var listed = await Pk.RunAsync("keys", "list", "--service", server.Url, "--token", server.Token("billing-contributor"), "--json");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        return listed.Json.GetProperty("keys").EnumerateArray()
            .First(k => k.GetProperty("product").GetString() == product && k.GetProperty("type").GetString() == type)
            .GetProperty("key").GetString()!;
    }

    private async Task<int> KeyUsedAsync(string key)
    {
        var listed = await Pk.RunAsync("keys", "list", "--service", server.Url, "--token", server.Token("billing-contributor"), "--json");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        return listed.Json.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("key").GetString() == key).GetProperty("activationsUsed").GetInt32();
    }

    private async Task<string> MakAsync()
    {
        var listed = await Pk.RunAsync("keys", "list", "--service", server.Url, "--token", server.Token("billing-contributor"), "--json");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        return listed.Json.GetProperty("keys").EnumerateArray()
            .First(k => k.GetProperty("product").GetString() == Product && k.GetProperty("type").GetString() == "Mak")
            .GetProperty("key").GetString()!;
    }

    private async Task<int> UsedAsync(string key)
    {
        var count = await Pk.RunAsync("mak", "count", key, "--service", server.Url, "--token", server.Token("billing-contributor"), "--json");
        Assert.True(count.ExitCode == 0, count.ToString());
        return count.Json.GetProperty("activationsUsed").GetInt32();
    }
}
