using ProductKeys.Data.Catalog;
using ProductKeys.Service.Orders;

namespace ProductKeys.Service.Tests.Orders;

public sealed class HeadroomTests
{
    [Theory]
    [InlineData(1, 6)]
    [InlineData(3, 8)]
    [InlineData(10, 15)]
    [InlineData(20, 25)]
    [InlineData(21, 27)]
    [InlineData(100, 125)]
    [InlineData(1_000_000, 1_250_000)]
    public void A_MAK_allows_max_of_125_percent_and_quantity_plus_5(int quantity, int limit) =>
        Assert.Equal(limit, Headroom.MakLimit(new Product { Id = "p", Name = "p" }, quantity));

    [Fact]
    public void The_rule_is_per_product() =>
        Assert.Equal(150, Headroom.MakLimit(new Product { Id = "p", Name = "p", HeadroomPercent = 150, HeadroomMinimum = 0 }, 100));

    [Theory]
    [InlineData(1200, new[] { 500, 500, 200 })]
    [InlineData(1000, new[] { 500, 500 })]
    [InlineData(501, new[] { 500, 1 })]
    public void Split_orders_add_up_to_the_purchase(int quantity, int[] parts) =>
        Assert.Equal(parts, OrderPlacement.Split(quantity, 500));
}
