namespace ProductKeys.Service.Tests.Api;

public static class GarbageCases
{
    public static TheoryData<string, string> All()
    {
        string[] paths =
        [
            "/api/v1/sessions", "/api/v1/billing-accounts/{A}/orders", "/api/v1/billing-accounts/{A}/roles",
            "/api/v1/billing-accounts/{A}/profiles", "/api/v1/products", "/api/v1/organizations",
            "/api/v1/organizations/{O}/users", "/api/v1/organizations/{O}/billing-accounts", "/api/v1/keys/{K}/limit", "/api/v1/usage-reports",
        ];
        string[] bodies =
        [
            "", "{", "}", "[]", "null", "\"text\"", "123", "true", "{\"a\":", "{\"quantity\": 1e999}", "{\"product\": {\"x\": [1, 2]}}",
            "{\"user\": null, \"password\": null, \"name\": null, \"role\": null}", "{\"activationLimit\": \"many\"}",
            new string('{', 3000), "\u0000\u0001\u0002", "{\"name\": \"\\ud800\"}",
        ];
        var data = new TheoryData<string, string>();
        foreach (var path in paths)
        {
            foreach (var body in bodies)
            {
                data.Add(path, body);
            }
        }

        return data;
    }
}
