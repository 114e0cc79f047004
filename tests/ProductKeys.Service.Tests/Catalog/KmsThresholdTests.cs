using System.Net;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Catalog;

/// <summary>A product added without a KMS threshold gets its category's (25 desktop, 5 server, none for CALs).</summary>
public sealed class KmsThresholdTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Theory]
    [InlineData("Desktop", 210_001, 25)]
    [InlineData("Server", 210_002, 5)]
    [InlineData("Cal", 210_003, 0)]
    public async Task A_new_product_gets_its_category_threshold(string category, int keyGroup, int threshold)
    {
        var id = $"threshold-{category.ToLowerInvariant()}";
        var product = await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Publisher, "/api/v1/products",
            new { id, name = "Threshold " + category, category, keyGroup }), HttpStatusCode.Created);

        Assert.Equal(threshold, product.GetProperty("kmsThreshold").GetInt32());
    }

    [Fact]
    public async Task A_threshold_the_publisher_sets_wins()
    {
        var product = await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Publisher, "/api/v1/products",
            new { id = "threshold-set", name = "Threshold set", category = "Desktop", keyGroup = 210_004, kmsThreshold = 3 }), HttpStatusCode.Created);

        Assert.Equal(3, product.GetProperty("kmsThreshold").GetInt32());
    }
}
