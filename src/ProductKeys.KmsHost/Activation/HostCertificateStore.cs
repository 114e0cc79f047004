using ProductKeys.Core.Certificates;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;
using ProductKeys.Core.Signing;
using ProductKeys.KmsHost.Data;

namespace ProductKeys.KmsHost.Activation;

/// <summary>
/// The host's certificate and the publisher keys it trusts, as kept in the data folder. A certificate counts only when it verifies
/// against the keys the folder trusts now (<see cref="PinnedPublisherKeys"/>) and names this host's ID and key.
/// </summary>
public sealed class HostCertificateStore(KmsHostFolder folder, TimeProvider time)
{
    /// <summary>The data folder.</summary>
    public KmsHostFolder Folder { get; } = folder ?? throw new ArgumentNullException(nameof(folder));

    /// <summary>What the host trusts: <c>KMS_HOST_NOT_ACTIVATED</c> before its first activation, <c>STORE_INVALID</c> naming a damaged file.</summary>
    public Outcome<PublisherKeyChain> LoadTrust()
    {
        var loaded = Folder.PublisherKeys.Load(time);
        return !loaded.IsSuccess
            ? loaded.Refusal
            : loaded.Value ?? (Outcome<PublisherKeyChain>)new Refusal(ErrorCatalogue.KmsHostNotActivated, "The host trusts no publisher key yet: activate it ('pk kms-host activate').");
    }

    /// <summary>The publisher key lists the host applied and their copies (ADR 0024), for its clients; <c>null</c> when there are none.</summary>
    public IReadOnlyList<string>? LoadKeyLists() => LoadTrust() is { IsSuccess: true, Value.Lists: { Count: > 0 } lists } ? lists : null;

    /// <summary>
    /// The start check, also made before an activation: <c>STORE_INVALID</c> naming the file when the publisher key files are
    /// damaged, or gone while a host certificate is here (a new trust file must not re-pin an activated host), else <c>null</c>.
    /// </summary>
    public Refusal? Damage()
    {
        var keys = Folder.PublisherKeys;
        var loaded = keys.Load(time);
        if (!loaded.IsSuccess)
        {
            return loaded.Refusal;
        }

        return loaded.Value is null && File.Exists(Folder.CertificateFile)
            ? new Refusal(ErrorCatalogue.StoreInvalid,
                $"{keys.AnchorsFile} is missing, but {Folder.CertificateFile} is here: it holds the publisher keys that certificate verifies against. "
                + $"Restore it from a backup of the data folder, or delete {Folder.CertificateFile} too and activate again (the folder then pins the keys it is given).")
            : null;
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

        var loaded = Check(text, trust.Value.Trusted, hostId, hostKey);
        return !loaded.IsSuccess && Withdrawn(text, trust.Value, hostId, hostKey) is { } gone
            ? NotActivated($"the publisher withdrew {gone.KeyId} (key list {gone.Sequence}), which signed its host certificate; activate it again to get one signed by a current key")
            : loaded;
    }

    /// <summary>
    /// Verifies a certificate for this host against what <paramref name="trust"/> trusts and, when it holds, keeps the trust
    /// (<see cref="PinnedPublisherKeys.Save"/>) and then the certificate.
    /// </summary>
    public Outcome<KmsHostCertificate> Install(string certificateText, PublisherKeyChain trust, string hostId, TrustedKey hostKey)
    {
        ArgumentNullException.ThrowIfNull(trust);
        var checkedCertificate = Check(certificateText, trust.Trusted, hostId, hostKey);
        if (!checkedCertificate.IsSuccess)
        {
            return Withdrawn(certificateText, trust, hostId, hostKey) is { } stale
                ? new Refusal(ErrorCatalogue.SignatureInvalid,
                    $"The host certificate is signed by {stale.KeyId}, which the publisher withdrew (key list {stale.Sequence}): the answer came from before the withdrawal; activate again once the service runs its current keys.")
                : new Refusal(checkedCertificate.Refusal.Error, $"{checkedCertificate.Refusal.Detail} This host trusts {trust.Describe()}; {PinnedPublisherKeys.HowKeysAreLearned}.");
        }

        var saved = Folder.PublisherKeys.Save(trust, time);
        if (!saved.IsSuccess)
        {
            return saved.Refusal;
        }

        try
        {
            ReplacedFile.Write(Folder.CertificateFile, checkedCertificate.Value.Text + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, $"{Folder.CertificateFile} cannot be written: {e.Message}");
        }

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

    /// <summary>The withdrawn key that signed a certificate for this host, when a genuine one; else <c>null</c>.</summary>
    private (string KeyId, long Sequence)? Withdrawn(string? text, PublisherKeyChain trust, string hostId, TrustedKey hostKey)
    {
        foreach (var key in trust.Withdrawn.Keys)
        {
            if (Check(text, new TrustedKeySet(key), hostId, hostKey).IsSuccess)
            {
                return (key.KeyId, trust.WithdrawnBy(key.KeyId) ?? 0);
            }
        }

        return null;
    }

    private static Refusal NotActivated(string why) =>
        new(ErrorCatalogue.KmsHostNotActivated, $"The KMS host is not activated: {why}. Run 'pk kms-host activate'.");
}
