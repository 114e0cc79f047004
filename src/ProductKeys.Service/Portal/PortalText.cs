using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Data.Accounts;

namespace ProductKeys.Service.Portal;

/// <summary>The portal's words for codes, roles and key types.</summary>
internal static class PortalText
{
    /// <summary>A heading for a problem code; the detail beside it says what to do.</summary>
    public static string Heading(string? code, string? fallback = null) => code switch
    {
        "FORBIDDEN_NOT_BILLING_ADMIN" => "You are not a Billing administrator",
        "FORBIDDEN_NOT_ACCOUNT_OWNER_OR_CONTRIBUTOR" => "Your role on this billing account does not allow this",
        "FORBIDDEN" => "Your role does not allow this",
        "NOT_FOUND" => "Not found",
        "UNAUTHENTICATED" => "Sign-in refused",
        "RATE_LIMITED" => "Too many attempts",
        "VALIDATION_FAILED" => "The form could not be accepted",
        "INTERNAL_ERROR" => "Something went wrong on our side",
        _ => fallback ?? "The request was refused",
    };

    /// <summary>The next step for someone refused, in one sentence; publisher staff have no Global administrator to ask.</summary>
    public static string WhatToDo(string code, bool publisherStaff = false) => code switch
    {
        "FORBIDDEN_NOT_BILLING_ADMIN" when publisherStaff =>
            "publisher staff see a customer's key metadata, never plaintext keys: open \"Manage keys\" (or run 'pk keys list --metadata --account ID').",
        "FORBIDDEN_NOT_BILLING_ADMIN" => "ask a Global administrator of your organization to make you a Billing administrator.",
        "FORBIDDEN_NOT_ACCOUNT_OWNER_OR_CONTRIBUTOR" => "ask an Owner of this billing account to make you an Owner or Contributor of it.",
        "NOT_FOUND" => "check the link, or open the account from the list of billing accounts.",
        "VALIDATION_FAILED" => "correct the choice named above and try again.",
        _ => "go back to the list of billing accounts.",
    };

    public static string Heading(Refusal refusal) => Heading(refusal.Code, refusal.Error.Message);

    public static string Role(DirectoryRole role) => role switch
    {
        DirectoryRole.GlobalAdministrator => "Global administrator",
        DirectoryRole.BillingAdministrator => "Billing administrator",
        DirectoryRole.PublisherAdmin => "Publisher staff",
        _ => "User",
    };

    public static string KeyType(KeyType type) => type switch
    {
        Core.Keys.KeyType.Mak => "MAK",
        Core.Keys.KeyType.KmsHost => "KMS host key",
        Core.Keys.KeyType.KmsClientSetup => "KMS client setup key",
        _ => "Setup key",
    };

    /// <summary>All but the last five characters hidden: the part logs and the audit show.</summary>
    public static string Masked(string key) => key.Length <= 5 ? key : "•••••-•••••-•••••-•••••-" + key[^5..];
}
