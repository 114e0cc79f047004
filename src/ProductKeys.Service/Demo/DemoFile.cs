namespace ProductKeys.Service.Demo;

/// <summary>demo.json: exactly the fields of docs/product.md §9, so anyone can script against the demo at once.</summary>
public sealed record DemoFile(string ServiceUrl, IReadOnlyList<DemoAccount> BillingAccounts, IReadOnlyList<DemoProduct> Products, IReadOnlyList<DemoUser> Users);
