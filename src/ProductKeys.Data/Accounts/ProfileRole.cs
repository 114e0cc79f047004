namespace ProductKeys.Data.Accounts;

public enum ProfileRole
{
    Owner,
    Contributor,
    Reader,
    InvoiceManager,
}
