using ProductKeys.Data.Catalog;

namespace ProductKeys.Service.Orders;

/// <summary>A MAK's activation limit: max(ceil(quantity × percent / 100), quantity + minimum), per product.</summary>
internal static class Headroom
{
    public static int MakLimit(Product product, int quantity)
    {
        var scaled = ((long)quantity * product.HeadroomPercent + 99) / 100;
        var padded = (long)quantity + product.HeadroomMinimum;
        return (int)Math.Min(int.MaxValue, Math.Max(scaled, padded));
    }
}
