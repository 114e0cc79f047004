namespace ProductKeys.KmsHost.Status;

/// <summary>One product's count on the host.</summary>
/// <param name="Product">The product id.</param>
/// <param name="Count">Distinct clients seen in the last 30 days, capped at twice the highest threshold (what clients are answered).</param>
/// <param name="Threshold">Clients needed before the host activates any; <c>null</c> when the certificate does not cover it.</param>
/// <param name="Activating">True when the count has reached the threshold.</param>
/// <param name="Clients">Distinct clients seen in the last 30 days, not capped: what the signed usage report tells the publisher.</param>
public sealed record KmsProductCount(string Product, int Count, int? Threshold, bool Activating, int Clients);
