using ProductKeys.Core.Certificates;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;
using ProductKeys.KmsHost.Data;

namespace ProductKeys.KmsHost.Activation;

/// <summary>
/// The host's certificate and the publisher keys it trusts, as kept in the data folder. A
/// certificate counts only when it verifies against those keys and names this host's ID and key.
/// </summary>
public sealed class HostCertificateStore(KmsHostFolder folder, TimeProvider time)
{
    /// <summary>The data folder.</summary>
    public KmsHostFolder Folder { get; } = folder ?? throw new ArgumentNullException(nameof(folder));

    /// <summary>The publisher keys pinned at activation.</summary>
    public Outcome<TrustedKeySet> LoadTrust() =>
        File.Exists(Folder.TrustFile)
            ? SigningKeyFile.LoadPublicKeys(Folder.TrustFile)
            : new Refusal(ErrorCatalogue.KmsHostNotActivated, "The host trusts no publisher key yet: activate it ('pk kms-host activate').");

    /// <summary>The publisher key lists learned at activation (ADR 0024), or <c>null</c> when there are none.</summary>
    public IReadOnlyList<string>? LoadKeyLists()
    {
        try
        {
            var lines = File.Exists(Folder.KeyListsFile) ? File.ReadAllLines(Folder.KeyListsFile).Where(l => l.Length > 0).ToList() : [];
            return lines.Count == 0 ? null : lines;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The verified host certificate, or <c>KMS_HOST_NOT_ACTIVATED</c> (with the reason) when there is none that holds.</summary>
    public Outcome<KmsHostCertificate> Load(string hostId, TrustedKey hostKey)
    {
        if (!File.Exists(Folder.CertificateFile))
        {
            return new Refusal(ErrorCatalogue.KmsHostNotActivated);
        }

        var trust = LoadTrust();
        if (!trust.IsSuccess)
        {
            return NotActivated(trust.Refusal.Detail);
        }

        string text;
        try
        {
            text = File.ReadAllText(Folder.CertificateFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return NotActivated(e.Message);
        }

        return Check(text, trust.Value, hostId, hostKey);
    }

    /// <summary>Verifies a certificate for this host and, when it holds, keeps it and the trust it verified against.</summary>
    public Outcome<KmsHostCertificate> Install(string certificateText, TrustedKeySet trust, string hostId, TrustedKey hostKey)
    {
        ArgumentNullException.ThrowIfNull(trust);
        var checkedCertificate = Check(certificateText, trust, hostId, hostKey);
        if (!checkedCertificate.IsSuccess)
        {
            return checkedCertificate;
        }

        Directory.CreateDirectory(Folder.Path);
        WriteAtomically(Folder.TrustFile, trust.ToPem());
        WriteAtomically(Folder.CertificateFile, checkedCertificate.Value.Text + "\n");
        return checkedCertificate;
    }

    private Outcome<KmsHostCertificate> Check(string? text, TrustedKeySet trust, string hostId, TrustedKey hostKey)
    {
        var verified = KmsHostCertificate.Verify(text, trust, time);
        if (!verified.IsSuccess)
        {
            return NotActivated($"the host certificate does not hold ({verified.Refusal})");
        }

        var certificate = verified.Value;
        if (certificate.HostId != hostId || certificate.HostPublicKey.KeyId != hostKey.KeyId)
        {
            return NotActivated($"the host certificate is for host {certificate.HostId} with key {certificate.HostPublicKey.KeyId}, "
                + $"not this host {hostId} with key {hostKey.KeyId}");
        }

        return certificate;
    }

    private static Refusal NotActivated(string why) =>
        new(ErrorCatalogue.KmsHostNotActivated, $"The KMS host is not activated: {why}. Run 'pk kms-host activate'.");

    private static void WriteAtomically(string path, string text)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
