namespace ProductKeys.Core.Contracts;

/// <summary>Body of <c>POST /api/v1/activations</c>: a device asks to activate with a MAK.</summary>
/// <param name="Key">The MAK as typed.</param>
/// <param name="Product">The product id.</param>
/// <param name="HardwareId">The device's hardware ID for this product (text form, hashes only).</param>
public sealed record MakActivationRequest(string? Key, string? Product, string? HardwareId);
