using System.CommandLine;
using ProductKeys.Cli.Output;
using ProductKeys.Client.Activation;
using ProductKeys.Client.Licensing;
using ProductKeys.Client.Store;
using ProductKeys.Client.Tls;
using ProductKeys.Core.Catalog;
using ProductKeys.Core.Devices;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Device;

/// <summary>Opens the device license a command works on and applies the settings it was given.</summary>
internal static class DeviceSession
{
    public static Outcome<DeviceLicense> Open(ParseResult parseResult, DeviceOptions options)
    {
        var product = parseResult.GetValue(options.Product);
        if (product is not null && !ProductIds.IsValid(product))
        {
            // The ID names the default store's folder and is printed: nothing else gets that far.
            return new Refusal(ErrorCatalogue.ValidationFailed, $"--product must be a product ID ({ProductIds.Rule}).");
        }

        var folder = parseResult.GetValue(options.Store);
        if (folder is null)
        {
            if (product is null)
            {
                return new Refusal(ErrorCatalogue.ValidationFailed, "Say which license store to use: --store DIR or --product ID.");
            }

            var defaultFolder = LicenseStore.TryDefaultDirectory(product);
            if (!defaultFolder.IsSuccess)
            {
                return defaultFolder.Refusal;
            }

            folder = defaultFolder.Value;
        }

        var opened = NewLicense(folder);
        if (!opened.IsSuccess)
        {
            return opened.Refusal;
        }

        var license = opened.Value;
        var service = parseResult.GetValue(options.Service);
        var deviceId = parseResult.GetValue(options.DeviceId);
        // Checked before anything is written: a device ID the service would refuse is never saved.
        if (deviceId is not null && HardwareId.FromDeviceId(deviceId, "any-product") is { IsSuccess: false } badId)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"--device-id: {badId.Refusal.Detail}");
        }

        var trustFile = parseResult.GetValue(options.Trust);
        var tlsGiven = options.Tls.Given(parseResult);
        if (service is null && deviceId is null && trustFile is null && !tlsGiven)
        {
            return license;
        }

        ServerTrust? tls = null;
        if (tlsGiven)
        {
            // Checked against the server the store will talk to: the one given now, else the one it remembers.
            var resolved = options.Tls.Resolve(parseResult, ServiceUrl.TryParse(service, out var given) ? given : Target(Stored(license)));
            if (!resolved.IsSuccess)
            {
                return resolved.Refusal;
            }

            tls = resolved.Value;
        }

        IReadOnlyList<string>? trust = null;
        if (trustFile is not null)
        {
            var read = ReadTrust(trustFile);
            if (!read.IsSuccess)
            {
                return read.Refusal;
            }

            trust = read.Value;
        }

        Uri? serviceUrl = null;
        if (service is not null && !ServiceUrl.TryParse(service, out serviceUrl))
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"--service must be an http(s) URL such as http://127.0.0.1:8080, not '{service}'.");
        }

        var configured = license.Configure(stored => stored.WithServiceUrl(serviceUrl) with
        {
            DeviceId = deviceId ?? stored.DeviceId,
            TrustedKeys = trust ?? stored.TrustedKeys,
            TlsPins = tls is null ? stored.TlsPins : tls.Pins.Count > 0 ? tls.Pins : null,
            TlsCertificateAuthorities = tls is null ? stored.TlsCertificateAuthorities : tls.AuthoritiesPem(),
        });
        return configured.IsSuccess ? license : configured.Refusal;
    }

    /// <summary>
    /// The HTTP client for the servers this store talks to: TLS certificates checked by the pins or CA the
    /// command line gave, else those the store remembers, else the system store.
    /// </summary>
    public static Outcome<HttpClient> Http(ParseResult parseResult, TlsClientOptions tls, DeviceLicense license)
    {
        var stored = Stored(license);
        var trust = tls.Resolve(parseResult, Target(stored), stored?.TlsPins, stored?.TlsCertificateAuthorities);
        return trust.IsSuccess ? trust.Value.CreateHttpClient(TimeSpan.FromSeconds(30)) : trust.Refusal;
    }

    /// <summary>The server the store talks to: its KMS host when it is a KMS client, else the licensing service; <c>null</c> when it names none.</summary>
    private static Uri? Target(StoredLicense? stored) =>
        stored?.KmsHost is { } kms && Uri.TryCreate(kms, UriKind.Absolute, out var kmsUrl) && kmsUrl.Scheme is "http" or "https"
            ? kmsUrl
            : stored?.ServiceUrl;

    /// <summary>What the store holds; <c>null</c> when it is empty or cannot be read (the command that needs it says why).</summary>
    private static StoredLicense? Stored(DeviceLicense license) =>
        license.Store.Exists && license.Store.Load() is { IsSuccess: true } loaded ? loaded.Value : null;

    /// <summary>
    /// The license in <paramref name="folder"/> with this machine's trust: the trust directory's keys when
    /// it holds any (then the store's pins are not consulted), else the keys pinned in the sealed store.
    /// </summary>
    public static Outcome<DeviceLicense> NewLicense(string folder)
    {
        if (string.IsNullOrWhiteSpace(folder) || folder.Any(char.IsControl))
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, "--store must name a folder.");
        }

        var anchors = TrustDirectory.Read();
        if (!anchors.IsSuccess)
        {
            return anchors.Refusal;
        }

        var store = new LicenseStore(folder);
        return anchors.Value is { } keys
            ? new DeviceLicense(store, TimeProvider.System, HardwareSource.ForCurrentPlatform(), keys)
            : new DeviceLicense(store, TimeProvider.System, HardwareSource.ForCurrentPlatform());
    }

    /// <summary>Reads PEM public keys from a file or a trust directory's file.</summary>
    internal static Outcome<IReadOnlyList<string>> ReadTrust(FileInfo file)
    {
        var read = InputFile.Read(file, ErrorCatalogue.ValidationFailed, "Publisher keys");
        if (!read.IsSuccess)
        {
            return read.Refusal;
        }

        var text = read.Value;
        var pems = text.Split("-----END PUBLIC KEY-----", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(part => part.Contains("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal))
            .Select(part => part[part.IndexOf("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal)..] + "\n-----END PUBLIC KEY-----\n")
            .ToList();
        if (pems.Count == 0)
        {
            // Without this the refusal was "No publisher key was given", as if --trust had not been typed.
            return new Refusal(ErrorCatalogue.ValidationFailed, string.IsNullOrWhiteSpace(text)
                ? $"Publisher keys: {file.FullName} is empty; give the PEM file 'pk publisher-keys export --out FILE' wrote."
                : $"Publisher keys: {file.FullName} is not a PEM public key (no '-----BEGIN PUBLIC KEY-----' block); give the file 'pk publisher-keys export --out FILE' wrote.");
        }

        var parsed = OnlineActivation.ParseTrust(pems);
        return parsed.IsSuccess ? pems : parsed.Refusal;
    }
}
