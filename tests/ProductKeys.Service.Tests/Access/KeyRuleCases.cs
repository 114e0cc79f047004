using ProductKeys.Data.Accounts;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Access;

public static class KeyRuleCases
{
    public static readonly string[] Endpoints = ["keys-list", "keys-export", "orders-create", "roles-grant"];

    public static TheoryData<DirectoryRole, AccountRole?, string> Matrix()
    {
        var data = new TheoryData<DirectoryRole, AccountRole?, string>();
        foreach (var directory in TestWorld.CustomerRoles)
        {
            foreach (var account in TestWorld.AccountRoles)
            {
                foreach (var endpoint in Endpoints)
                {
                    data.Add(directory, account, endpoint);
                }
            }
        }

        return data;
    }

    public static TheoryData<string> EndpointNames() => new(Endpoints);
}
