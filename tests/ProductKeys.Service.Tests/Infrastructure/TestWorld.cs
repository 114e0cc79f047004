using Microsoft.Extensions.DependencyInjection;
using ProductKeys.Data;
using ProductKeys.Data.Accounts;
using ProductKeys.Data.Catalog;
using ProductKeys.Service.Catalog;
using ProductKeys.Service.Identity;
using ProductKeys.Service.Orders;

namespace ProductKeys.Service.Tests.Infrastructure;

/// <summary>
/// Organization A with one billing account and a user for every directory role × account role
/// (and none), named e.g. "BillingAdministrator-Contributor"; publisher staff; organization B with
/// its own account and owner; a catalog of a desktop, a server (KMS) and a CAL product; one order.
/// </summary>
public sealed class TestWorld
{
    public const string Password = "correct horse battery staple";
    public const string Publisher = "publisher";
    public const string OtherOrgOwner = "other-org-owner";
    public const string Target = "grant-target";
    public const string Owner = "GlobalAdministrator-Owner";
    public const string Desktop = "test-desktop";
    public const string Server = "test-server";
    public const string Cal = "test-cal";

    public static readonly DirectoryRole[] CustomerRoles = [DirectoryRole.User, DirectoryRole.BillingAdministrator, DirectoryRole.GlobalAdministrator];
    public static readonly AccountRole?[] AccountRoles = [AccountRole.Owner, AccountRole.Contributor, AccountRole.Reader, null];

    // PBKDF2 is slow by design; one hash serves every test user (the hasher does not salt by user).
    private static readonly Lazy<string> PasswordHash = new(() => Passwords.Hash(new User { Name = "any", PasswordHash = "" }, Password));

    public Guid AccountA { get; } = Guid.NewGuid();

    public Guid AccountB { get; } = Guid.NewGuid();

    public Dictionary<string, string> Tokens { get; } = [];

    public static string UserName(DirectoryRole directory, AccountRole? account) => $"{directory}-{account?.ToString() ?? "None"}";

    internal static async Task<TestWorld> SeedAsync(IServiceProvider services)
    {
        var world = new TestWorld();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LicensingDbContext>();
        await CatalogSetup.EnsureProductAsync(db, new Product { Id = Desktop, Name = "Test Desktop", Category = ProductCategory.Desktop, KeyGroup = 2001, KmsThreshold = 25 }, default);
        await CatalogSetup.EnsureProductAsync(db, new Product { Id = Server, Name = "Test Server", Category = ProductCategory.Server, KeyGroup = 2002, KmsThreshold = 5, YieldsKmsHostKey = true }, default);
        await CatalogSetup.EnsureProductAsync(db, new Product { Id = Cal, Name = "Test CAL", Category = ProductCategory.Cal, KeyGroup = 2003 }, default);

        var orgA = new Organization { Id = Guid.NewGuid(), Name = "Org A" };
        var orgB = new Organization { Id = Guid.NewGuid(), Name = "Org B" };
        db.Organizations.AddRange(orgA, orgB);
        db.BillingAccounts.Add(new BillingAccount { Id = world.AccountA, OrganizationId = orgA.Id, Name = "Account A" });
        db.BillingAccounts.Add(new BillingAccount { Id = world.AccountB, OrganizationId = orgB.Id, Name = "Account B" });
        await db.SaveChangesAsync();

        foreach (var directory in CustomerRoles)
        {
            foreach (var account in AccountRoles)
            {
                world.AddUser(db, UserName(directory, account), orgA.Id, directory, world.AccountA, account);
            }
        }

        world.AddUser(db, Publisher, null, DirectoryRole.PublisherAdmin, world.AccountA, null);
        world.AddUser(db, Target, orgA.Id, DirectoryRole.User, world.AccountA, null);
        world.AddUser(db, OtherOrgOwner, orgB.Id, DirectoryRole.GlobalAdministrator, world.AccountB, AccountRole.Owner);
        await db.SaveChangesAsync();

        var placement = scope.ServiceProvider.GetRequiredService<OrderPlacement>();
        var desktop = await db.Products.FindAsync(Desktop);
        var ownerId = db.Users.Single(u => u.Name == Owner).Id;
        await placement.PlaceAsync(world.AccountA, desktop!, 10, false, ownerId, Owner, default);
        await placement.PlaceAsync(world.AccountB, desktop!, 3, false, db.Users.Single(u => u.Name == OtherOrgOwner).Id, OtherOrgOwner, default);
        return world;
    }

    private void AddUser(LicensingDbContext db, string name, Guid? org, DirectoryRole directory, Guid account, AccountRole? role)
    {
        var user = new User { Id = Guid.NewGuid(), Name = name, OrganizationId = org, DirectoryRole = directory, PasswordHash = PasswordHash.Value };
        db.Users.Add(user);
        if (role is { } r)
        {
            db.AccountRoles.Add(new AccountRoleAssignment { BillingAccountId = account, UserId = user.Id, Role = r });
        }

        var (token, row) = ApiTokens.Issue(user.Id, "test", TimeProvider.System.GetUtcNow(), TokenOptions.DefaultLifetime);
        db.ApiTokens.Add(row);
        Tokens[name] = token;
    }
}
