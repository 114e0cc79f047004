using ProductKeys.Client.Store;
using ProductKeys.Core.Keys;

namespace ProductKeys.Client.Tests;

public sealed class LicenseStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-store-").FullName;

    [Fact]
    public void A_new_store_loads_an_empty_license()
    {
        var loaded = new LicenseStore(_folder).Load();
        Assert.True(loaded.IsSuccess);
        Assert.Null(loaded.Value.Key);
    }

    [Fact]
    public void Saves_and_loads_every_field()
    {
        var store = new LicenseStore(_folder);
        using var publisher = ProductKeys.Core.Signing.SigningKey.Generate();
        var license = new StoredLicense
        {
            ProductId = "desktop",
            Key = "BCDFG-BCDFG-BCDFG-BCDFG-QRTVW",
            KeyType = KeyType.Mak,
            ServiceUrl = new Uri("http://127.0.0.1:8080"),
            TrustedKeys = [publisher.PublicKey.ToPem()],
            InstalledAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
            RearmsUsed = 2,
        };
        store.Save(license);
        var loaded = store.Load().Value;
        Assert.Equal(license.Key, loaded.Key);
        Assert.Equal(license.ServiceUrl, loaded.ServiceUrl);
        Assert.Equal(license.TrustedKeys, loaded.TrustedKeys);
        Assert.Equal(2, loaded.RearmsUsed);
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
    }

    [Fact]
    public void A_temporary_file_a_killed_save_left_behind_is_removed_by_the_next_save()
    {
        // What kill -9 between the temporary's write and its move leaves: the product key, for good.
        var left = Path.Combine(_folder, $".license.json.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(left, """{"key":"BCDFG-BCDFG-BCDFG-BCDFG-QRTVW"}""");
        var unrelated = Path.Combine(_folder, "notes.tmp");
        File.WriteAllText(unrelated, "the user's");

        var store = new LicenseStore(_folder);
        using (store.Lock())
        {
            Assert.Null(store.Save(new StoredLicense { ProductId = "desktop" }));
        }

        Assert.False(File.Exists(left));
        Assert.True(File.Exists(unrelated));
        Assert.Equal("desktop", store.Load().Value.ProductId);
    }

    [Fact]
    public void A_damaged_file_is_store_invalid_not_an_exception()
    {
        File.WriteAllText(Path.Combine(_folder, "license.json"), "{ not json");
        Assert.Equal("STORE_INVALID", new LicenseStore(_folder).Load().Refusal?.Code);
    }

    [Fact]
    public void A_trusted_key_on_an_unknown_curve_is_store_invalid_not_an_exception()
    {
        // Found by the license-store fuzz harness (fuzz/corpus/license-store/unknown-curve): the key's
        // curve OID altered by one byte made Load throw PlatformNotSupportedException.
        var pem = """
            -----BEGIN PUBLIC KEY-----
            MFkwEwYHKoZIzj0CAQYIKoZIzj0DQQcDQgAEOOMeAlOqudTEehh/1XlnDeK6X7oV
            GYUvMkNXTInqm0h15J4bgP6KEY1TTW7RfvCazQcCdCsld8wBjW00m2ydPA==
            -----END PUBLIC KEY-----
            """;
        var json = System.Text.Json.JsonSerializer.Serialize(new { formatVersion = 2, productId = "desktop", trustedKeys = new[] { pem } });
        File.WriteAllText(Path.Combine(_folder, "license.json"), json);

        var loaded = new LicenseStore(_folder).Load();

        Assert.Equal("STORE_INVALID", loaded.Refusal?.Code);
        Assert.Contains("not a public key", loaded.Refusal!.Detail, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
