using Microsoft.EntityFrameworkCore;
using ProductKeys.Core.Cal;
using ProductKeys.Data;
using ProductKeys.Data.Accounts;
using ProductKeys.Data.Catalog;
using ProductKeys.Service.Catalog;
using ProductKeys.Service.Identity;
using ProductKeys.Service.Orders;
using ProductKeys.Service.Secrets;

namespace ProductKeys.Service.Demo;

/// <summary>
/// Seeds, idempotently, a catalog, one organization with one billing account and orders, and a user
/// for every case the key rule distinguishes. Each start issues fresh demo tokens.
/// </summary>
internal sealed class DemoSeeder(LicensingDbContext db, OrderPlacement placement, KeySecrets secrets, TimeProvider time)
{
    public const string Password = "demo-password";
    public static readonly Guid OrganizationId = Guid.Parse("0000de00-0000-4000-8000-000000000001");
    public static readonly Guid AccountId = Guid.Parse("0000de00-0000-4000-8000-0000000000a1");
    public static readonly Guid ProfileId = Guid.Parse("0000de00-0000-4000-8000-0000000000b1");

    public static IReadOnlyList<Product> Catalog { get; } =
    [
        new() { Id = "contoso-desktop", Name = "Contoso Desktop 2026", Category = ProductCategory.Desktop, KeyGroup = 1001, KmsThreshold = KmsThresholds.Desktop },
        new() { Id = "contoso-server", Name = "Contoso Server 2026", Category = ProductCategory.Server, KeyGroup = 1002, KmsThreshold = KmsThresholds.Server, YieldsKmsHostKey = true },
        new() { Id = "contoso-server-cal", Name = "Contoso Server 2026 User CAL", Category = ProductCategory.Cal, CalType = CalMode.PerUser, KeyGroup = 1003, KmsThreshold = 0 },
        new() { Id = "contoso-server-device-cal", Name = "Contoso Server 2026 Device CAL", Category = ProductCategory.Cal, CalType = CalMode.PerDevice, KeyGroup = 1004, KmsThreshold = 0 },
    ];

    /// <summary>(name, directory role, role on the demo account).</summary>
    public static IReadOnlyList<(string Name, DirectoryRole Directory, AccountRole? Account)> People { get; } =
    [
        ("global-admin", DirectoryRole.GlobalAdministrator, AccountRole.Owner),
        ("billing-contributor", DirectoryRole.BillingAdministrator, AccountRole.Contributor),
        ("billing-reader", DirectoryRole.BillingAdministrator, AccountRole.Reader),
        ("billing-no-role", DirectoryRole.BillingAdministrator, null),
        ("user-owner", DirectoryRole.User, AccountRole.Owner),
        ("publisher-admin", DirectoryRole.PublisherAdmin, null),
    ];

    public async Task<DemoFile> SeedAsync(string serviceUrl, CancellationToken ct)
    {
        foreach (var product in Catalog)
        {
            await CatalogSetup.EnsureProductAsync(db, Copy(product), ct);
        }

        if (!await db.Organizations.AnyAsync(o => o.Id == OrganizationId, ct))
        {
            db.Organizations.Add(new Organization { Id = OrganizationId, Name = "Fabrikam" });
            db.BillingAccounts.Add(new BillingAccount { Id = AccountId, OrganizationId = OrganizationId, Name = "Fabrikam Enterprise Agreement" });
            db.BillingProfiles.Add(new BillingProfile { Id = ProfileId, BillingAccountId = AccountId, Name = "Fabrikam IT" });
            await db.SaveChangesAsync(ct);
        }

        var users = new List<DemoUser>();
        foreach (var (name, directory, account) in People)
        {
            users.Add(await EnsureUserAsync(name, directory, account, ct));
        }

        if (!await db.Orders.AnyAsync(o => o.BillingAccountId == AccountId, ct))
        {
            var owner = await db.Users.SingleAsync(u => u.Name == "global-admin", ct);
            foreach (var (productId, quantity, split) in new[] { ("contoso-desktop", 100, false), ("contoso-server", 10, false), ("contoso-server-cal", 1200, true), ("contoso-server-device-cal", 200, false) })
            {
                var product = await db.Products.AsNoTracking().SingleAsync(p => p.Id == productId, ct);
                await placement.PlaceAsync(AccountId, product, quantity, split, owner.Id, "demo-seed", ct);
            }
        }

        var products = await db.Products.AsNoTracking().Where(p => Catalog.Select(c => c.Id).Contains(p.Id)).OrderBy(p => p.Id).ToListAsync(ct);
        return new DemoFile(
            serviceUrl,
            [new DemoAccount(AccountId, "Fabrikam Enterprise Agreement")],
            products.ConvertAll(p => new DemoProduct(p.Id, p.Name, CatalogKeys.SetupKey(p, secrets), CatalogKeys.KmsClientSetupKey(p, secrets), p.KmsThreshold, p.CalType?.ToString())),
            users);
    }

    private async Task<DemoUser> EnsureUserAsync(string name, DirectoryRole directory, AccountRole? role, CancellationToken ct)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Name == name, ct);
        if (user is null)
        {
            user = new User
            {
                Id = Guid.NewGuid(),
                Name = name,
                OrganizationId = directory == DirectoryRole.PublisherAdmin ? null : OrganizationId,
                DirectoryRole = directory,
                PasswordHash = string.Empty,
            };
            user.PasswordHash = Passwords.Hash(user, Password);
            db.Users.Add(user);
            if (role is { } r)
            {
                db.AccountRoles.Add(new AccountRoleAssignment { BillingAccountId = AccountId, UserId = user.Id, Role = r });
            }
        }

        // Old demo tokens stop working; the new ones go to demo.json.
        await db.ApiTokens.Where(t => t.UserId == user.Id && t.Label == "demo").ExecuteDeleteAsync(ct);
        var (token, row) = ApiTokens.Issue(user.Id, "demo", time.GetUtcNow(), TokenOptions.DefaultLifetime);
        db.ApiTokens.Add(row);
        await db.SaveChangesAsync(ct);

        var roles = await db.AccountRoles.AsNoTracking().Where(a => a.UserId == user.Id).ToListAsync(ct);
        return new DemoUser(name, token, directory.ToString(), roles.ToDictionary(a => a.BillingAccountId.ToString(), a => a.Role.ToString()));
    }

    private static Product Copy(Product p) => new()
    {
        Id = p.Id, Name = p.Name, Category = p.Category, CalType = p.CalType, KeyGroup = p.KeyGroup, KmsThreshold = p.KmsThreshold,
        YieldsKmsHostKey = p.YieldsKmsHostKey, HeadroomPercent = p.HeadroomPercent, HeadroomMinimum = p.HeadroomMinimum,
    };
}
