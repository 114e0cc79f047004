namespace ProductKeys.Service.ApiDocs;

/// <summary>The tags endpoints group under (<c>.WithTags(ApiTags.X)</c>), each with the description the document shows.</summary>
internal static class ApiTags
{
    public const string Operations = "Operations";
    public const string SignIn = "Sign-in";
    public const string Catalog = "Catalog";
    public const string Organizations = "Organizations";
    public const string BillingAccounts = "Billing accounts";
    public const string BillingProfiles = "Billing profiles";
    public const string Roles = "Roles";
    public const string Orders = "Orders";
    public const string ProductKeys = "Product keys";
    public const string PublisherKeys = "Publisher: keys";
    public const string Audit = "Audit";
    public const string Devices = "Devices";
    public const string Usage = "Usage reports";

    private static readonly Dictionary<string, string> Descriptions = new()
    {
        [Operations] = "Health and Prometheus metrics, for operators and load balancers.",
        [SignIn] = "Sign in for a bearer token, sign out, and who the token belongs to.",
        [Catalog] = "The publisher's products with their public setup keys.",
        [Organizations] = "Customer organizations, their users and billing accounts (publisher staff, Global administrators).",
        [BillingAccounts] = "Billing accounts (agreements) the caller holds a role on.",
        [BillingProfiles] = "Billing profiles of an account and the roles on them.",
        [Roles] = "Billing account roles: Owner, Contributor, Reader; only owners change them.",
        [Orders] = "Orders of a billing account and the key packages they yield.",
        [ProductKeys] = "A billing account's keys with plaintext (the key rule applies; every view is audited), and key lookup.",
        [PublisherKeys] = "Publisher staff: key metadata without plaintext, block, unblock, raise a MAK's limit.",
        [Audit] = "The hash-chained audit log (publisher staff).",
        [Devices] = "What devices and KMS hosts call: publisher keys, MAK, KMS host and offline activation.",
        [Usage] = "Signed usage reports of CAL servers and KMS hosts: upload, and the latest per server of a billing account.",
    };

    public static string? Describe(string? tag) => tag is not null && Descriptions.TryGetValue(tag, out var text) ? text : null;
}
