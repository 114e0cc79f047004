using ProductKeys.Client.Activation;
using ProductKeys.Client.Kms;
using ProductKeys.Client.Licensing;
using ProductKeys.Client.Renewal;
using ProductKeys.Client.Store;
using ProductKeys.Core.Devices;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;

namespace ProductKeys.Client;

/// <summary>
/// The one entry point for a product (ADR 0012): built from the product ID and the publisher's
/// public keys the product embeds, it answers "am I licensed?" (<see cref="Status"/>), installs a
/// key, activates (MAK online, or through a KMS host) and keeps the activation renewed
/// (<see cref="StartRenewal"/>). Certificates are verified against the embedded keys only; the
/// store's own trusted-key list is never consulted.
/// <para>
/// Safe to share between threads (the hosted service's singleton is): every call loads, changes and saves the
/// store under its file lock, which <c>pk</c> and <c>pk agent</c> on the same store take too. Calls touch the disk
/// synchronously — <see cref="Status"/>, <see cref="InstallKey"/> and the start of <see cref="ActivateAsync"/> may
/// wait up to 10 seconds for a lock another process holds — so a UI product calls them off its UI thread.
/// </para>
/// </summary>
public sealed class ProductLicense : IDisposable
{
    private readonly ProductLicenseOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private bool _disposed;
    private readonly DeviceLicense _license;
    private readonly KmsClientSettings _kms;
    private readonly IReadOnlyList<string> _anchorPems;

    /// <summary>Reads the options; touches neither the disk nor the network.</summary>
    /// <exception cref="ArgumentException">A <see cref="ProductLicenseOptions.DeviceId"/> the service would refuse (empty, control characters), no product ID or not one (<see cref="Core.Catalog.ProductIds"/>),
    /// <see cref="ProductLicenseOptions.PublisherKeys"/> holds no public key, a <see cref="ProductLicenseOptions.ServiceUrl"/> that is not absolute http(s),
    /// a <see cref="ProductLicenseOptions.KmsHost"/> that is not host[:port], a <see cref="ProductLicenseOptions.KmsDomain"/> that is not a DNS domain, or a blank <see cref="ProductLicenseOptions.StoreDirectory"/>.</exception>
    /// <exception cref="InvalidOperationException">No <see cref="ProductLicenseOptions.StoreDirectory"/> and this user has no data folder for the default one.</exception>
    public ProductLicense(ProductLicenseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ProductId, nameof(options));
        if (!Core.Catalog.ProductIds.IsValid(options.ProductId))
        {
            throw new ArgumentException($"ProductId must be the product's ID in the catalog: {Core.Catalog.ProductIds.Rule}.", nameof(options));
        }

        options.ThrowIfUnusable();
        TrustedKeySet anchors;
        try
        {
            anchors = TrustedKeySet.FromPem(options.PublisherKeys ?? "");
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"PublisherKeys must be the publisher's PEM public keys ('pk publisher-keys export'): {e.Message}", nameof(options), e);
        }

        if (options.DeviceId is not null && HardwareId.FromDeviceId(options.DeviceId, options.ProductId) is { IsSuccess: false } badId)
        {
            throw new ArgumentException($"DeviceId: {badId.Refusal.Detail}", nameof(options));
        }

        _options = options;
        _anchorPems = [.. anchors.Keys.Select(k => k.ToPem())];
        _ownsHttp = options.HttpClient is null;
        _http = options.HttpClient ?? (options.ServerTrust ?? Tls.ServerTrust.SystemStore).CreateHttpClient(TimeSpan.FromSeconds(30));
        var store = new LicenseStore(options.StoreDirectory ?? LicenseStore.DefaultDirectory(options.ProductId));
        _license = new DeviceLicense(store, options.TimeProvider, HardwareSource.ForCurrentPlatform(), anchors) { ExpectedProductId = options.ProductId };
        _kms = new KmsClientSettings(new HttpKmsTransport(_http), new DnsSrvResolver(), options.KmsDomain);
    }

    /// <summary>The product ID.</summary>
    public string ProductId => _options.ProductId;

    /// <summary>The license store folder.</summary>
    public string StoreDirectory => _license.Store.Directory;

    /// <summary>
    /// "Am I licensed?": the state, when the grace or activation ends, and one sentence for the user.
    /// Offline. A store that cannot be read, or that holds another product's key, reads as
    /// <see cref="LicenseState.Notification"/> with the refusal's <see cref="LicenseStatus.Code"/>
    /// (e.g. <c>STORE_INVALID</c>, <c>KEY_NOT_FOR_PRODUCT</c>), never as a fresh grace; its
    /// <see cref="LicenseStatus.Message"/> names no tool, file or option (like every other state's), and
    /// <see cref="LicenseStatus.Detail"/> says what exactly went wrong, for logs and support.
    /// </summary>
    public LicenseStatus Status()
    {
        var report = Apply();
        return report.IsSuccess
            ? report.Value
            : new LicenseStatus(LicenseState.Notification, ProductId, null, null, null, null, null, false, UnusableStoreMessage(report.Refusal))
            {
                Code = report.Refusal.Code,
                Detail = report.Refusal.Detail,
            };
    }

    /// <summary>
    /// The user's sentence for a store this product cannot use. The refusal's own detail names files, parser errors
    /// and 'pk' commands (it is written for an operator), which a product's users cannot act on.
    /// </summary>
    private string UnusableStoreMessage(Refusal refusal) =>
        refusal.Error == ErrorCatalogue.KeyNotForProduct
            ? $"The installed product key is for another product{(_license.Store.Load() is { IsSuccess: true, Value.ProductId: { } other } ? $" ({other})" : "")}: install a product key for this product."
            : "The license information on this device cannot be read or written, so the license cannot be checked: try again later, or contact your administrator.";

    /// <summary>
    /// Installs a product key for this product (checked offline: format and checksum). A key another product
    /// left in the store is replaced. A store file that cannot be read as one (cut short, hand-edited) is set
    /// aside first (<c>license.json.damaged-…</c>), as uninstalling does in <c>pk</c>: a product has no other way to
    /// repair it, and a fresh store gives nothing deleting the file would not (docs/security.md). A store a newer
    /// version wrote is kept (<c>STORE_INVALID</c> says so).
    /// </summary>
    public Outcome<LicenseStatus> InstallKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _license.SetAsideDamagedStore(keepNewerFormat: true);
        var settled = Apply();
        if (!settled.IsSuccess && settled.Refusal.Error != ErrorCatalogue.KeyNotForProduct)
        {
            return settled.Refusal;
        }

        var installed = _license.InstallKey(key, ProductId);
        return installed.IsSuccess ? installed.Value.Status : installed.Refusal;
    }

    /// <summary>
    /// Activates now: a MAK online against <see cref="ProductLicenseOptions.ServiceUrl"/>, or a KMS
    /// client setup key through its KMS host. A MAK activation is permanent; a KMS one is renewed by
    /// <see cref="StartRenewal"/>.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The license was disposed (its HTTP client is gone).</exception>
    public async Task<Outcome<LicenseStatus>> ActivateAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var settled = Apply();
        if (!settled.IsSuccess)
        {
            return settled.Refusal;
        }

        var stored = _license.Store.Load() is { IsSuccess: true } loaded ? loaded.Value : null;
        var kind = stored?.KeyType;
        if (stored is not null && stored.Key is null)
        {
            // DeviceLicense words this for pk ('pk ipk KEY --product ID'); a product calls InstallKey.
            return new Refusal(ErrorCatalogue.StoreInvalid, "No key is installed: call InstallKey first.");
        }

        if (kind == KeyType.Mak && stored?.ServiceUrl is null)
        {
            // OnlineActivation words this for pk ('--service URL'); a product sets an option.
            return new Refusal(ErrorCatalogue.ValidationFailed,
                "A MAK activates online: set ProductLicenseOptions.ServiceUrl to the licensing service's URL; or, without a network, activate "
                + $"its store offline: pk dti REQUEST.json --store {_license.Store.Directory}, then pk atp on its response.");
        }

        var result = kind == KeyType.KmsClientSetup
            ? await KmsActivation.ActivateAsync(_license, _kms, _options.TimeProvider, cancellationToken).ConfigureAwait(false)
            : await OnlineActivation.ActivateAsync(_license, new LicensingServiceClient(_http), _kms, pinned: null, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value.Status : result.Refusal;
    }

    /// <summary>Does whatever renewal is due now (see <see cref="LicenseRenewal.RenewIfDueAsync"/>).</summary>
    /// <exception cref="ObjectDisposedException">The license was disposed.</exception>
    public Task<RenewalAttempt> RenewIfDueAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Apply();
        return CreateRenewal(null).RenewIfDueAsync(cancellationToken);
    }

    /// <summary>
    /// Starts the renewal loop in the background: a look at the store at once, then each renewal or
    /// retry when it falls due. An attempt already due at start (a KMS activation not made yet, a MAK
    /// activation that failed) is first spread over this device's share of a window
    /// of up to an hour, 30 minutes for the default 2-hour retry
    /// (<see cref="LicenseRenewal.SpreadDueAttempts"/>, ADR 0012), so call <see cref="ActivateAsync"/>
    /// for an activation the user is waiting for. Dispose the result when the product exits.
    /// </summary>
    /// <param name="attempted">Called after every pass (e.g. to log it); on the loop's thread.</param>
    /// <exception cref="ObjectDisposedException">The license was disposed.</exception>
    public LicenseRenewal StartRenewal(Action<RenewalAttempt>? attempted = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Apply();
        return CreateRenewal(attempted).Start();
    }

    /// <summary>A renewal loop not yet started (the hosted service runs it).</summary>
    /// <param name="attempted">Called after every pass.</param>
    /// <exception cref="ObjectDisposedException">The license was disposed (the loop would use its disposed HTTP client).</exception>
    public LicenseRenewal CreateRenewal(Action<RenewalAttempt>? attempted)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new(_license, new LicensingServiceClient(_http), _kms, _options.TimeProvider) { Attempted = attempted };
    }

    /// <summary>Releases the HTTP client the license created. <see cref="Status"/> and <see cref="InstallKey"/> (offline) still answer.</summary>
    public void Dispose()
    {
        _disposed = true;
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    /// <summary>
    /// Writes the settings the product gave (service, KMS host, device ID) into the store when they
    /// differ, and the embedded keys as the store's trusted list, so 'pk dli' or 'pk agent' on the same
    /// store read it as the product does. The product itself never reads that list back.
    /// </summary>
    private Outcome<LicenseStatus> Apply()
    {
        var loaded = _license.Store.Load();
        if (!loaded.IsSuccess)
        {
            return loaded.Refusal;
        }

        var report = WithSettings(loaded.Value) == loaded.Value ? _license.Status() : _license.Configure(WithSettings);
        return report.IsSuccess ? report.Value.Status : report.Refusal;
    }

    private StoredLicense WithSettings(StoredLicense stored) => stored.WithServiceUrl(_options.ServiceUrl) with
    {
        KmsHost = _options.KmsHost ?? stored.KmsHost,
        KmsDomain = _options.KmsDomain ?? stored.KmsDomain,
        DeviceId = _options.DeviceId ?? stored.DeviceId,
        TrustedKeys = stored.TrustedKeys.SequenceEqual(_anchorPems) ? stored.TrustedKeys : _anchorPems,
    };
}
