using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
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

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
