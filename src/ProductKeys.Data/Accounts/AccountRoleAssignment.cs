namespace ProductKeys.Data.Accounts;

public sealed class AccountRoleAssignment
{
    public Guid BillingAccountId { get; set; }

    public Guid UserId { get; set; }

    public AccountRole Role { get; set; }
}
