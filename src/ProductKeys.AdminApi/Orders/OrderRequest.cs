namespace ProductKeys.AdminApi.Orders;

/// <summary>Body of POST .../orders; fields are nullable so a missing one is a clear VALIDATION_FAILED.</summary>
public sealed record OrderRequest(string? Product, int? Quantity, bool? Split);
