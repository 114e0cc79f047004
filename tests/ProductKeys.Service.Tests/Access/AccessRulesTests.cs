using ProductKeys.Data.Accounts;
using ProductKeys.Service.Accounts;
using ProductKeys.Service.Identity;
using ProductKeys.Service.Portal;

namespace ProductKeys.Service.Tests.Access;

/// <summary>The claim predicates on their own, as a table.</summary>
public sealed class AccessRulesTests
{
    [Theory]
    [InlineData(DirectoryRole.GlobalAdministrator, AccountRole.Owner, null)]
    [InlineData(DirectoryRole.GlobalAdministrator, AccountRole.Contributor, null)]
    [InlineData(DirectoryRole.GlobalAdministrator, AccountRole.Reader, "FORBIDDEN_NOT_ACCOUNT_OWNER_OR_CONTRIBUTOR")]
    [InlineData(DirectoryRole.GlobalAdministrator, null, "FORBIDDEN_NOT_ACCOUNT_OWNER_OR_CONTRIBUTOR")]
    [InlineData(DirectoryRole.BillingAdministrator, AccountRole.Owner, null)]
    [InlineData(DirectoryRole.BillingAdministrator, AccountRole.Contributor, null)]
    [InlineData(DirectoryRole.BillingAdministrator, AccountRole.Reader, "FORBIDDEN_NOT_ACCOUNT_OWNER_OR_CONTRIBUTOR")]
    [InlineData(DirectoryRole.BillingAdministrator, null, "FORBIDDEN_NOT_ACCOUNT_OWNER_OR_CONTRIBUTOR")]
    [InlineData(DirectoryRole.User, AccountRole.Owner, "FORBIDDEN_NOT_BILLING_ADMIN")]
    [InlineData(DirectoryRole.User, AccountRole.Contributor, "FORBIDDEN_NOT_BILLING_ADMIN")]
    [InlineData(DirectoryRole.User, AccountRole.Reader, "FORBIDDEN_NOT_BILLING_ADMIN")]
    [InlineData(DirectoryRole.User, null, "FORBIDDEN_NOT_BILLING_ADMIN")]
    [InlineData(DirectoryRole.PublisherAdmin, null, "FORBIDDEN_NOT_BILLING_ADMIN")]
    public void The_key_rule_checks_the_directory_role_first_then_the_account_role(DirectoryRole directory, AccountRole? account, string? code) =>
        Assert.Equal(code, AccessRules.MayViewKeys(Caller(directory), account)?.Code);

    [Fact]
    public void Publisher_staff_refused_a_plaintext_key_are_told_where_they_see_its_metadata_not_to_ask_a_Global_administrator()
    {
        var refusal = AccessRules.MayViewKeys(Caller(DirectoryRole.PublisherAdmin), null);

        Assert.NotNull(refusal);
        Assert.Contains("pk keys list --metadata", refusal.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Global administrator", refusal.Detail, StringComparison.Ordinal);
        Assert.Contains("Ask a Global administrator", AccessRules.MayViewKeys(Caller(DirectoryRole.User), AccountRole.Owner)!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_portal_tells_publisher_staff_refused_a_plaintext_key_to_manage_keys_and_customers_to_ask_a_Global_administrator()
    {
        var staff = PortalText.WhatToDo("FORBIDDEN_NOT_BILLING_ADMIN", publisherStaff: true);
        var customer = PortalText.WhatToDo("FORBIDDEN_NOT_BILLING_ADMIN");

        Assert.Contains("\"Manage keys\"", staff, StringComparison.Ordinal);
        Assert.DoesNotContain("Global administrator", staff, StringComparison.Ordinal);
        Assert.Contains("ask a Global administrator", customer, StringComparison.Ordinal);
        Assert.DoesNotContain("publisher staff", customer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(AccountRole.Owner, true, true)]
    [InlineData(AccountRole.Contributor, true, false)]
    [InlineData(AccountRole.Reader, false, false)]
    [InlineData(null, false, false)]
    public void Orders_need_owner_or_contributor_and_roles_need_owner(AccountRole? account, bool mayOrder, bool mayGrant)
    {
        Assert.Equal(mayOrder, AccessRules.MayPlaceOrders(account) is null);
        Assert.Equal(mayGrant, AccessRules.MayManageRoles(account) is null);
    }

    [Theory]
    [InlineData(DirectoryRole.PublisherAdmin, true)]
    [InlineData(DirectoryRole.GlobalAdministrator, false)]
    [InlineData(DirectoryRole.BillingAdministrator, false)]
    [InlineData(DirectoryRole.User, false)]
    public void Only_publisher_staff_manage_keys(DirectoryRole directory, bool allowed) =>
        Assert.Equal(allowed, AccessRules.MayManageKeys(Caller(directory)) is null);

    [Theory]
    [InlineData(AccountRole.Owner, null, ProfileRole.Owner)]
    [InlineData(AccountRole.Reader, ProfileRole.Contributor, ProfileRole.Contributor)]
    [InlineData(AccountRole.Reader, ProfileRole.InvoiceManager, ProfileRole.InvoiceManager)]
    [InlineData(AccountRole.Contributor, ProfileRole.Reader, ProfileRole.Contributor)]
    [InlineData(null, ProfileRole.InvoiceManager, ProfileRole.InvoiceManager)]
    [InlineData(null, null, null)]
    public void Account_roles_apply_to_every_profile_and_the_stronger_role_wins(AccountRole? account, ProfileRole? profile, ProfileRole? expected) =>
        Assert.Equal(expected, AccessRules.EffectiveProfileRole(account, profile));

    private static System.Security.Claims.ClaimsPrincipal Caller(DirectoryRole role) => CallerClaims.Create(
        new User { Id = Guid.NewGuid(), Name = "someone", OrganizationId = role == DirectoryRole.PublisherAdmin ? null : Guid.NewGuid(), DirectoryRole = role, PasswordHash = "" },
        "test");
}
