using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.CalServer.Data;
using ProductKeys.CalServer.Packs;

namespace ProductKeys.CalServer.Tests;

/// <summary>The committed vectors of the CAL pack's offline files (docs/formats/offline-activation-v1.md).</summary>
public sealed class OfflineFileVectorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-cal-offline-vector-").FullName;
    private readonly JsonElement _vector = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "cal-pack-offline-v1.json"))).RootElement;

    [Fact]
    public void The_request_file_reads_and_writes_back_byte_for_byte()
    {
        var text = _vector.GetProperty("requestFile").GetString()!;
        var request = JsonSerializer.Deserialize(text, OfflineFileJsonContext.Default.CalPackOfflineRequest)!;
        Assert.Equal(CalPackOfflineRequest.FormatV1, request.Format);
        Assert.StartsWith("cals-", request.ServerId, StringComparison.Ordinal);
        Assert.Equal(text, JsonSerializer.Serialize(request, OfflineFileJsonContext.Default.CalPackOfflineRequest) + "\n");
    }

    [Fact]
    public void A_written_request_is_owner_only_and_reads_as_the_vector_does()
    {
        var path = Path.Combine(_folder, "pack.json");
        var installer = new PackInstaller(new CalServerFolder(Path.Combine(_folder, "server")), new FakeTimeProvider());
        var key = JsonSerializer.Deserialize(_vector.GetProperty("requestFile").GetString()!, OfflineFileJsonContext.Default.CalPackOfflineRequest)!.Key;

        var written = installer.WriteRequest(key, installPurchased: true, path);

        Assert.True(written.IsSuccess);
        var read = JsonSerializer.Deserialize(File.ReadAllText(path), OfflineFileJsonContext.Default.CalPackOfflineRequest)!;
        Assert.Equal((CalPackOfflineRequest.FormatV1, key, written.Value.ServerId, true), (read.Format, read.Key, read.ServerId, read.InstallPurchased));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task A_refusal_in_a_response_file_is_reported_with_its_own_code()
    {
        var path = Path.Combine(_folder, "pack.response.json");
        File.WriteAllText(path, _vector.GetProperty("responseFile").GetString());
        var folder = new CalServerFolder(Path.Combine(_folder, "server"));
        var installer = new PackInstaller(folder, new FakeTimeProvider());

        var installed = await installer.InstallResponseFileAsync(path, new Core.Signing.TrustedKeySet(), TestContext.Current.CancellationToken);

        Assert.Equal(_vector.GetProperty("responseCode").GetString(), installed.Refusal?.Code);
        Assert.False(File.Exists(folder.DatabaseFile));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
