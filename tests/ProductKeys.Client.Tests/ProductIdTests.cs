using Microsoft.Extensions.Time.Testing;
using ProductKeys.Client.Licensing;
using ProductKeys.Client.Store;
using ProductKeys.Core.Catalog;
using ProductKeys.Core.Keys;

namespace ProductKeys.Client.Tests;

/// <summary>
/// A product ID names the default store's folder and is printed: a hostile review wrote a store to
/// /tmp/x/absprod, climbed out with ../../etc and stored ESC sequences. Devices now take only what the
/// catalog takes (<see cref="ProductIds"/>).
/// </summary>
public sealed class ProductIdTests : IDisposable
{
    private static readonly string Mak = ProductKey.Derive(KeyType.Mak, 5, 9, new byte[32]).ToString();
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-product-id-").FullName;

    public static TheoryData<string> NotProductIds() =>
        ["/tmp/x/absprod", "../../etc", "..", "desktop/../../etc", "a\u001b[31mred", "Desktop", "desk top", "-desktop", "1desktop", "desktop.", "d\u202Eesk", new string('a', 65), ""];

    [Theory]
    [MemberData(nameof(NotProductIds))]
    public void A_key_installed_for_something_that_is_not_a_product_ID_is_refused_and_writes_nothing(string product)
    {
        var license = new DeviceLicense(new LicenseStore(_folder), new FakeTimeProvider(), new FakeHardware());
        Assert.Equal("VALIDATION_FAILED", license.InstallKey(Mak, product).Refusal?.Code);
        Assert.False(File.Exists(Path.Combine(_folder, "license.json")));
        Assert.Equal("VALIDATION_FAILED", LicenseStore.TryDefaultDirectory(product).Refusal?.Code);
        Assert.Throws<ArgumentException>(() => LicenseStore.DefaultDirectory(product));
        Assert.ThrowsAny<ArgumentException>(() => new ProductLicense(new ProductLicenseOptions { ProductId = product, StoreDirectory = _folder }));
    }

    [Theory]
    [InlineData("desktop")]
    [InlineData("contoso-server-2026")]
    [InlineData("a")]
    public void Catalog_slugs_are_product_IDs_and_their_default_store_is_an_absolute_folder_named_after_them(string product)
    {
        Assert.True(ProductIds.IsValid(product));
        var folder = LicenseStore.TryDefaultDirectory(product).Value;
        Assert.True(Path.IsPathFullyQualified(folder));
        Assert.Equal(product, Path.GetFileName(folder));
        Assert.Equal("stores", Path.GetFileName(Path.GetDirectoryName(folder)));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
