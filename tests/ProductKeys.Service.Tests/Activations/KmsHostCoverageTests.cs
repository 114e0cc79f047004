using System.Net;
using System.Net.Http.Json;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Signing;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Activations;

/// <summary>
/// What a KMS host certificate covers (docs/product.md §4): the key's own product and the account's other KMS-capable products,
/// within the format's 256 products (docs/formats/kms-certificates-v1.md). Its own fixture: it adds 256 products to the catalog.
/// </summary>
public abstract class KmsHostCoverageTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    [Fact]
    public async Task An_account_with_more_products_than_a_certificate_holds_still_gets_its_host_keys_own_product_covered()
    {
        // 256 other products the account bought, each sorting before the host key's own product ("test-server").
        for (var i = 0; i < KmsHostCertificate.MaxProducts; i++)
        {
            var id = $"aaa-{i:D3}";
            await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Publisher, "/api/v1/products",
                new { id, name = id, category = "Desktop", keyGroup = 30_000 + i }), HttpStatusCode.Created);
            await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Owner, $"/api/v1/billing-accounts/{fixture.World.AccountA}/orders",
                new { product = id, quantity = 1 }), HttpStatusCode.Created);
        }

        var (_, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Server, 5, "KmsHost");
        using var hostKey = SigningKey.Generate();
        var answer = await Problems.OkJsonAsync(await fixture.Client.PostAsJsonAsync("/api/v1/kms-host-activations",
            new { key, hostId = "kms-many-products", hostPublicKey = hostKey.PublicKey.ToPem() }, TestContext.Current.CancellationToken));

        var published = await fixture.Client.GetFromJsonAsync<PublisherKeysResponse>("/api/v1/publisher-keys", TestContext.Current.CancellationToken);
        var trusted = new TrustedKeySet(published!.Keys.Select(k => TrustedKey.FromPem(k.Pem)));
        var certificate = KmsHostCertificate.Verify(answer.GetProperty("hostCertificate").GetString(), trusted, TimeProvider.System);
        Assert.True(certificate.IsSuccess, certificate.Refusal?.ToString());
        Assert.Equal(KmsHostCertificate.MaxProducts, certificate.Value.Products.Count);
        Assert.Equal(5, certificate.Value.ThresholdFor(TestWorld.Server));
    }
}

public sealed class SqliteKmsHostCoverageTests(SqliteFixture fixture) : KmsHostCoverageTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresKmsHostCoverageTests(PostgresFixture fixture) : KmsHostCoverageTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
