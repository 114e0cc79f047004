using ProductKeys.Core.Signing;

namespace ProductKeys.Client.Tests;

/// <summary>
/// A publisher's review: a relative <see cref="ProductLicenseOptions.ServiceUrl"/> passed the constructor and made
/// <see cref="ProductLicense.ActivateAsync"/> throw ArgumentOutOfRangeException ('baseUri'), where an outcome is
/// documented; an ftp:// URL or a KMS host that is not one were kept and failed only at the first activation.
/// Options are now checked where the constructor documents it: ArgumentException naming the option.
/// </summary>
public sealed class ProductLicenseOptionsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-options-").FullName;
    private readonly SigningKey _publisher = SigningKey.Generate();

    public static TheoryData<string, Action<ProductLicenseOptions>> Mistakes() => new()
    {
        { "ServiceUrl", o => o.ServiceUrl = new Uri("licensing/", UriKind.Relative) },
        { "ServiceUrl", o => o.ServiceUrl = new Uri("ftp://licensing.example/") },
        { "ServiceUrl", o => o.ServiceUrl = new Uri("file:///etc/passwd") },
        { "KmsHost", o => o.KmsHost = "kms.example:not-a-port" },
        { "KmsHost", o => o.KmsHost = " " },
        { "StoreDirectory", o => o.StoreDirectory = " " },
        { "KmsDomain", o => o.KmsDomain = new string('a', 64) + ".example" },
        { "KmsDomain", o => o.KmsDomain = "corp..example" },
        { "KmsDomain", o => o.KmsDomain = "corp example" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void An_option_that_cannot_work_is_refused_at_construction_naming_it(string option, Action<ProductLicenseOptions> mistake)
    {
        var options = new ProductLicenseOptions { ProductId = "contoso-server", PublisherKeys = _publisher.PublicKey.ToPem(), StoreDirectory = _folder };
        mistake(options);

        var refused = Assert.ThrowsAny<ArgumentException>(() => new ProductLicense(options));
        Assert.Contains(option, refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }

    [Theory]
    [InlineData("https://licensing.example/")]
    [InlineData("http://127.0.0.1:8080")]
    public void An_http_or_https_service_url_is_taken(string url)
    {
        using var license = new ProductLicense(new ProductLicenseOptions
        {
            ProductId = "contoso-server", PublisherKeys = _publisher.PublicKey.ToPem(), StoreDirectory = _folder, ServiceUrl = new Uri(url), KmsHost = "kms.example:16880",
        });
        Assert.Equal("contoso-server", license.ProductId);
    }

    [Fact]
    public async Task Activating_a_MAK_without_a_service_url_names_the_option_not_a_pk_flag()
    {
        using var license = new ProductLicense(new ProductLicenseOptions
        {
            ProductId = "contoso-server", PublisherKeys = _publisher.PublicKey.ToPem(), StoreDirectory = _folder, DeviceId = "device-1",
        });
        Assert.True(license.InstallKey(ProductKeys.Core.Keys.ProductKey.Derive(ProductKeys.Core.Keys.KeyType.Mak, 5, 9, new byte[32]).ToString()).IsSuccess);

        var activated = await license.ActivateAsync(TestContext.Current.CancellationToken);

        Assert.Equal("VALIDATION_FAILED", activated.Refusal?.Code);
        Assert.Contains("ProductLicenseOptions.ServiceUrl", activated.Refusal!.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("--service", activated.Refusal.Detail, StringComparison.Ordinal);
        // A device without a network never has a service: the offline route is named too.
        Assert.Contains($"pk dti REQUEST.json --store {license.StoreDirectory}, then pk atp", activated.Refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_Dispose_going_online_throws_ObjectDisposedException_not_a_network_refusal()
    {
        var license = new ProductLicense(new ProductLicenseOptions
        {
            ProductId = "contoso-server", PublisherKeys = _publisher.PublicKey.ToPem(), StoreDirectory = _folder, ServiceUrl = new Uri("http://127.0.0.1:9/"),
        });
        license.Dispose();

        // It answered SERVICE_UNREACHABLE ('Cannot access a disposed object'): a publisher would tell the user to check the network.
        await Assert.ThrowsAsync<ObjectDisposedException>(() => license.ActivateAsync(TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => license.RenewIfDueAsync(TestContext.Current.CancellationToken));
        Assert.Throws<ObjectDisposedException>(() => license.StartRenewal());
        Assert.Equal(ProductKeys.Client.Licensing.LicenseState.Unlicensed, license.Status().State);
    }

    public void Dispose()
    {
        _publisher.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
