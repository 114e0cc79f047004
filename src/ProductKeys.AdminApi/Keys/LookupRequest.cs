namespace ProductKeys.AdminApi.Keys;

/// <summary>Body of POST /api/v1/keys/lookup: the key travels in the body, never in a URL.</summary>
public sealed record LookupRequest(string? Key);
