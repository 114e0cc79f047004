namespace ProductKeys.Core.Contracts;

/// <summary>Answer of <c>POST /api/v1/activations</c>.</summary>
/// <param name="ActivationId">The activation's id.</param>
/// <param name="Certificate">The signed activation certificate, text form.</param>
/// <param name="Reactivation">True when this device was already activated and nothing was consumed.</param>
/// <param name="ActivationsUsed">Activations used on the key after this one.</param>
/// <param name="ActivationLimit">The key's limit.</param>
public sealed record MakActivationResponse(string ActivationId, string Certificate, bool Reactivation, int ActivationsUsed, int ActivationLimit);
