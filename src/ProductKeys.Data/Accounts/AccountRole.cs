namespace ProductKeys.Data.Accounts;

public enum AccountRole
{
    Owner,
    Contributor,
    Reader,
}
