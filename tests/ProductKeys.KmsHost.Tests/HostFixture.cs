using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Devices;
using ProductKeys.Core.Signing;
using ProductKeys.KmsHost.Activation;
using ProductKeys.KmsHost.Clients;
using ProductKeys.KmsHost.Counting;
using ProductKeys.KmsHost.Data;

namespace ProductKeys.KmsHost.Tests;

/// <summary>
/// A KMS host on a fake clock over a real SQLite file in a temporary folder, activated by a test
/// publisher key for a desktop product (threshold 25) and a server product (threshold 5).
/// </summary>
internal sealed class HostFixture : IDisposable
{
    public const string Desktop = "contoso-desktop";
    public const string Server = "contoso-server";
    public const int DesktopGroup = 1001;
    public const int ServerGroup = 1002;
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    public HostFixture(bool activate = true, DateTimeOffset? certificateExpires = null, string billingAccount = "ba-fabrikam")
    {
        Folder = new KmsHostFolder(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"pk-kms-test-{Guid.NewGuid():N}"));
        Identity = KmsHostIdentity.LoadOrCreate(Folder).Value;
        if (activate)
        {
            var certificate = KmsHostCertificate.Issue(new ArtifactSigner(Publisher, Clock), Identity.HostId, Identity.Key.PublicKey.ToPem(),
                [new(Desktop, 25, DesktopGroup), new(Server, 5, ServerGroup)], billingAccount, certificateExpires);
            var installed = new HostCertificateStore(Folder, Clock).Install(certificate.Text, PublisherKeyChain.Start(PublisherKeys), Identity.HostId, Identity.Key.PublicKey);
            Assert.True(installed.IsSuccess, installed.Refusal?.ToString());
        }

        Open();
    }

    public FakeTimeProvider Clock { get; } = new(Start);

    public SigningKey Publisher { get; } = SigningKey.Generate();

    public TrustedKeySet PublisherKeys => new(Publisher.PublicKey);

    public KmsHostFolder Folder { get; }

    public KmsHostIdentity Identity { get; }

    public KmsDatabase Database { get; private set; } = null!;

    public KmsClientActivation Activation { get; private set; } = null!;

    public KmsHostOptions Options { get; } = new() { DataDirectory = "unused" };

    public static string HardwareFor(int device, string product = Desktop) =>
        HardwareId.FromDeviceId($"device-{device}", product).Value.ToString();

    public KmsActivationRequest Request(int device, string product = Desktop, string state = "InitialGrace", string? hardware = null) =>
        new($"cmid-{device:D4}", product, state, hardware ?? HardwareFor(device, product), Clock.GetUtcNow());

    /// <summary>Closes the database and opens it again, as a restart of the host would.</summary>
    public void Restart()
    {
        Database.Dispose();
        Open();
    }

    public void Dispose()
    {
        Database.Dispose();
        Identity.Dispose();
        Publisher.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Folder.Path, recursive: true);
    }

    private void Open()
    {
        Database = KmsDatabase.Open(Folder.DatabaseFile);
        Activation = new KmsClientActivation(Database, new ActiveHostCertificate(new HostCertificateStore(Folder, Clock), Identity, Clock),
            Identity, Microsoft.Extensions.Options.Options.Create(Options), Clock, NullLogger<KmsClientActivation>.Instance);
    }
}
