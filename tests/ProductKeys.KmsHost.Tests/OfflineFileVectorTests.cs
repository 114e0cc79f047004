using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;
using ProductKeys.KmsHost.Activation;
using ProductKeys.KmsHost.Data;

namespace ProductKeys.KmsHost.Tests;

/// <summary>The committed vectors of the KMS host's offline files (docs/formats/offline-activation-v1.md).</summary>
public sealed class OfflineFileVectorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-kms-offline-vector-").FullName;
    private readonly JsonElement _vector = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "kms-host-offline-v1.json"))).RootElement;

    [Fact]
    public void The_request_file_reads_and_writes_back_byte_for_byte()
    {
        var text = _vector.GetProperty("requestFile").GetString()!;
        var request = JsonSerializer.Deserialize(text, OfflineFileJsonContext.Default.KmsHostOfflineRequest)!;
        Assert.Equal(KmsHostOfflineRequest.FormatV1, request.Format);
        Assert.StartsWith("kmsh-", request.HostId, StringComparison.Ordinal);
        Assert.Equal(text, JsonSerializer.Serialize(request, OfflineFileJsonContext.Default.KmsHostOfflineRequest) + "\n");
    }

    [Fact]
    public void A_refusal_in_a_response_file_is_reported_with_its_own_code()
    {
        var path = Path.Combine(_folder, "host.response.json");
        File.WriteAllText(path, _vector.GetProperty("responseFile").GetString());
        var activator = new HostActivator(new KmsHostFolder(Path.Combine(_folder, "host")), new FakeTimeProvider());

        var installed = activator.InstallResponseFile(path, new Core.Signing.TrustedKeySet());

        Assert.Equal(_vector.GetProperty("responseCode").GetString(), installed.Refusal?.Code);
        Assert.False(File.Exists(new KmsHostFolder(Path.Combine(_folder, "host")).CertificateFile));
    }

    [Theory]
    [InlineData("INTERNAL_ERROR", "OFFLINE_DATA_INVALID")]
    [InlineData("TLS_UNTRUSTED", "OFFLINE_DATA_INVALID")]
    [InlineData("NO_SUCH_CODE", "OFFLINE_DATA_INVALID")]
    [InlineData("KMS_HOST_KEY_LIMIT", "KMS_HOST_KEY_LIMIT")]
    [InlineData("KEY_BLOCKED", "KEY_BLOCKED")]
    public void A_response_file_s_code_is_kept_only_when_a_KMS_host_activation_can_answer_it(string code, string expected)
    {
        var path = Path.Combine(_folder, "host.response.json");
        File.WriteAllText(path, $$"""{"format":"pk-kms-host-response-v1","hostCertificate":null,"code":"{{code}}","detail":"as written"}""");
        var folder = new KmsHostFolder(Path.Combine(_folder, "host"));

        var installed = new HostActivator(folder, new FakeTimeProvider()).InstallResponseFile(path, new Core.Signing.TrustedKeySet());

        Assert.Equal(expected, installed.Refusal?.Code);
        Assert.False(File.Exists(folder.CertificateFile));
    }

    [Theory]
    [InlineData("pk-kms-host-response-v2", "newer version")]
    [InlineData("pk-cal-pack-response-v1", "not a pk-kms-host-response-v1 file")]
    [InlineData("pk-offline-response-v1", "not a pk-kms-host-response-v1 file")]
    [InlineData("pk-kms-host-request-v1", "not a pk-kms-host-response-v1 file")]
    public void A_response_file_of_another_format_or_a_later_version_is_OFFLINE_DATA_INVALID_and_installs_nothing(string format, string says)
    {
        using var publisher = SigningKey.Generate();
        var folder = new KmsHostFolder(Path.Combine(_folder, "host"));
        var request = new HostActivator(folder, new FakeTimeProvider()).CreateRequest(ProductKey.Derive(KeyType.KmsHost, 3, 1, new byte[32]).ToString()).Value;
        var certificate = KmsHostCertificate.Issue(new ArtifactSigner(publisher, TimeProvider.System), request.HostId!, request.HostPublicKey!,
            [new("contoso-desktop", 25)], "ba").Text;
        var path = Path.Combine(_folder, "host.response.json");
        File.WriteAllText(path, $$"""{"format":"{{format}}","hostId":"{{request.HostId}}","hostCertificate":{{JsonSerializer.Serialize(certificate)}}}""");

        var installed = new HostActivator(folder, new FakeTimeProvider()).InstallResponseFile(path, new TrustedKeySet(publisher.PublicKey));

        Assert.Equal("OFFLINE_DATA_INVALID", installed.Refusal?.Code);
        Assert.Contains(says, installed.Refusal!.Detail, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.CertificateFile));
    }

    [Theory]
    [InlineData("big")]
    [InlineData("/dev/zero")]
    public void A_response_file_larger_than_1_MiB_or_endless_is_OFFLINE_DATA_INVALID_without_reading_it_whole(string given)
    {
        var path = given == "big" ? Path.Combine(_folder, "host.response.json") : given;
        if (given == "big")
        {
            File.WriteAllText(path, $$"""{"format":"pk-kms-host-response-v1","code":"KMS_HOST_KEY_LIMIT","detail":"{{new string('x', 2 * 1024 * 1024)}}"}""");
        }

        var folder = new KmsHostFolder(Path.Combine(_folder, "host"));
        var installed = new HostActivator(folder, new FakeTimeProvider()).InstallResponseFile(path, new TrustedKeySet());

        Assert.Equal("OFFLINE_DATA_INVALID", installed.Refusal?.Code);
        Assert.False(File.Exists(folder.CertificateFile));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
