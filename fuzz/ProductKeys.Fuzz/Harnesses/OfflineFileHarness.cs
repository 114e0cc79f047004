using Microsoft.Extensions.Time.Testing;
using ProductKeys.CalServer.Data;
using ProductKeys.CalServer.Packs;
using ProductKeys.KmsHost.Activation;
using ProductKeys.KmsHost.Data;

namespace ProductKeys.Fuzz.Harnesses;

/// <summary>
/// An offline activation response file (docs/formats/offline-activation-v1.md) as the two hosts that
/// install one read it: <c>pk kms-host activate --offline-response</c> and
/// <c>pk cal-server install-pack --offline-response</c>. JSON, a refusal with its code or a bare
/// certificate: anything else must be OFFLINE_DATA_INVALID or a certificate refusal.
/// </summary>
internal static class OfflineFileHarness
{
    private static readonly FakeTimeProvider Now = new(new DateTimeOffset(2026, 12, 4, 18, 0, 0, TimeSpan.Zero));
    private static readonly string Folder = FuzzInput.ScratchFolder("offline-file");
    private static readonly string ResponseFile = Path.Combine(Folder, "response.json");
    private static readonly HostActivator KmsHost = new(new KmsHostFolder(Path.Combine(Folder, "kms-host")), Now);
    private static readonly PackInstaller CalServer = new(new CalServerFolder(Path.Combine(Folder, "cal-server")), Now);

    public static void Run(byte[] input)
    {
        File.WriteAllBytes(ResponseFile, input);
        var host = KmsHost.InstallResponseFile(ResponseFile, FuzzKeys.Trusted);
        FuzzInput.Require(!host.IsSuccess, "no fuzzed file installs a KMS host certificate");
        var pack = CalServer.InstallResponseFileAsync(ResponseFile, FuzzKeys.Trusted, CancellationToken.None).GetAwaiter().GetResult();
        FuzzInput.Require(!pack.IsSuccess, "no fuzzed file installs a CAL pack certificate");
    }
}
