namespace ProductKeys.AdminApi.Accounts;

/// <summary>Body of POST /api/v1/organizations/{id}/billing-accounts: the account's name and its first Owner.</summary>
public sealed record AccountRequest(string? Name, string? Owner);
