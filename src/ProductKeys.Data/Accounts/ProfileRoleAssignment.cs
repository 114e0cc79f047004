namespace ProductKeys.Data.Accounts;

public sealed class ProfileRoleAssignment
{
    public Guid BillingProfileId { get; set; }

    public Guid UserId { get; set; }

    public ProfileRole Role { get; set; }
}
