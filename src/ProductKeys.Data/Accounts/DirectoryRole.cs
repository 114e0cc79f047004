namespace ProductKeys.Data.Accounts;

/// <summary>
/// A user's role in their directory: <c>GlobalAdministrator</c> &gt; <c>BillingAdministrator</c> &gt; <c>User</c>
/// for customers; <c>PublisherAdmin</c> for publisher staff, who belong to no customer organization.
/// </summary>
public enum DirectoryRole
{
    User,
    BillingAdministrator,
    GlobalAdministrator,
    PublisherAdmin,
}
