namespace ProductKeys.Client;

/// <summary>What a product tells <see cref="ProductLicense"/> about itself.</summary>
public sealed class ProductLicenseOptions
{
    /// <summary>The product ID in the publisher's catalog, e.g. <c>contoso-server</c>. Required.</summary>
    public string ProductId { get; set; } = "";

    /// <summary>
    /// The publisher's public keys as PEM text (the file <c>pk publisher-keys export</c> writes),
    /// embedded in the product. Required: certificates are verified against these keys only.
    /// </summary>
    public string PublisherKeys { get; set; } = "";

    /// <summary>The license store folder; <c>null</c>: the machine's default folder for the product.</summary>
    public string? StoreDirectory { get; set; }

    /// <summary>
    /// The licensing service, for MAK activation (a path, e.g. behind a reverse proxy, is kept with or without its
    /// trailing slash); <c>null</c>: the one the store remembers.
    /// </summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>A KMS host to use (host[:port]); <c>null</c>: the pinned one, else DNS discovery.</summary>
    public string? KmsHost { get; set; }

    /// <summary>The DNS domain whose <c>_pk-kms._tcp</c> records name the KMS hosts; <c>null</c>: the system's search domains.</summary>
    public string? KmsDomain { get; set; }

    /// <summary>
    /// A stable device ID used instead of hardware components (containers, VMs): the operator's assertion
    /// that this is one device, counted once by the service. <c>null</c>: the ID the store holds (one an
    /// operator set with <c>pk ipk --device-id</c>), else the hardware. The store stays sealed to this
    /// machine either way (docs/product.md §3).
    /// </summary>
    public string? DeviceId { get; set; }

    /// <summary>The clock; every timer and wait uses it.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// How the HTTP client the license creates checks servers' TLS certificates (pins, a private CA);
    /// <c>null</c>: the system's trust store. Not used when <see cref="HttpClient"/> is given.
    /// </summary>
    public Tls.ServerTrust? ServerTrust { get; set; }

    /// <summary>The HTTP client for the service and KMS hosts; <c>null</c>: one owned by the license, 30-second timeout.</summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>
    /// Refuses, where the constructor documents it, the settings that could only fail later: a service URL
    /// that is not absolute http(s) (a relative one made ActivateAsync throw), a KMS host that is not
    /// host[:port], a KMS domain DNS cannot ask (<see cref="Kms.KmsDomainName"/>), a blank store folder.
    /// </summary>
    internal void ThrowIfUnusable()
    {
        if (ServiceUrl is { } url && !(url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)))
        {
            throw new ArgumentException($"ServiceUrl must be the licensing service's absolute http:// or https:// URL, not '{url}'.", "options");
        }

        if (KmsHost is not null && !Kms.KmsHostAddress.TryParse(KmsHost, out _))
        {
            throw new ArgumentException($"KmsHost must be host[:port] (e.g. kms.example:16880), not '{KmsHost}'.", "options");
        }

        if (KmsDomain is not null && !Kms.KmsDomainName.IsValid(KmsDomain))
        {
            throw new ArgumentException($"KmsDomain must be {Kms.KmsDomainName.Rule}, not '{KmsDomain}'.", "options");
        }

        if (StoreDirectory is not null && string.IsNullOrWhiteSpace(StoreDirectory))
        {
            throw new ArgumentException("StoreDirectory must name a folder, or be null for the product's default folder.", "options");
        }
    }
}
