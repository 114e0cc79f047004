using ProductKeys.Core.Certificates;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Kms;
using ProductKeys.Core.Signing;
using ProductKeys.KmsHost.Activation;
using ProductKeys.KmsHost.Data;

namespace ProductKeys.KmsHost.Status;

/// <summary>
/// <c>pk kms-host report --signed</c> (docs/product.md §4, §5; docs/formats/usage-report-v1.md): the distinct clients per product
/// in the 30-day window, not capped as the count answered to clients is, signed by the host's certified key, carrying its host certificate.
/// </summary>
public static class SignedKmsReport
{
    /// <summary>Reads the data folder and signs its counts.</summary>
    /// <param name="dataDirectory">The KMS host's data folder.</param>
    /// <param name="time">The clock.</param>
    /// <returns>
    /// The usage report, text form; <c>STORE_INVALID</c> when the folder does not exist or holds no KMS host
    /// (<see cref="KmsHostFolder.Existing"/>); <c>KMS_HOST_NOT_ACTIVATED</c> when the host holds no certificate.
    /// </returns>
    public static Outcome<string> Sign(string dataDirectory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var existing = KmsHostFolder.Existing(dataDirectory);
        if (!existing.IsSuccess)
        {
            return existing.Refusal;
        }

        var folder = existing.Value;
        if (!File.Exists(folder.CertificateFile))
        {
            return new Refusal(ErrorCatalogue.KmsHostNotActivated, $"{folder.Path} holds no host certificate: activate the host first ('pk kms-host activate').");
        }

        var status = KmsStatusReader.ReadExisting(dataDirectory, time);
        if (!status.IsSuccess)
        {
            return status.Refusal;
        }

        var identity = KmsHostIdentity.LoadOrCreate(folder);
        if (!identity.IsSuccess)
        {
            return identity.Refusal;
        }

        using var id = identity.Value;
        var certificate = new HostCertificateStore(folder, time).Load(id.HostId, id.Key.PublicKey);
        if (!certificate.IsSuccess)
        {
            return certificate.Refusal;
        }

        var lines = status.Value.Products.Where(p => p.Threshold is not null)
            .Select(p => new UsageLine(p.Product, "Kms", null, p.Threshold, p.Clients, 0)).ToList();
        if (lines.Count == 0)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, "The host certificate covers no product to report.");
        }

        return UsageReport.Issue(new ArtifactSigner(id.Key, time), UsageReport.KmsHostSource, id.HostId, time.GetUtcNow() - KmsProtocol.CountWindow, lines, [certificate.Value.Text]);
    }
}
