namespace ProductKeys.Data.Catalog;

public enum ProductCategory
{
    Desktop,
    Server,
    Cal,
}
