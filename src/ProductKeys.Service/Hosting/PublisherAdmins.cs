using Microsoft.EntityFrameworkCore;
using ProductKeys.Data;
using ProductKeys.Data.Accounts;
using ProductKeys.Service.Audit;
using ProductKeys.Service.Identity;

namespace ProductKeys.Service.Hosting;

/// <summary>Bootstraps publisher staff directly in the database (<c>pk db create-admin</c>): the first admin cannot be made over the API.</summary>
public static class PublisherAdmins
{
    /// <summary>Creates the PublisherAdmin (or resets its password) and returns a new API token, shown once.</summary>
    public static async Task<string> CreateAsync(DatabaseSettings settings, string name, string password, CancellationToken ct = default)
    {
        if (!Accounts.Names.IsValidUserName(name))
        {
            throw new InvalidOperationException("A user name has 1 to 100 letters, digits, '.', '_', '-' or '@'.");
        }

        await using var db = LicensingDatabase.Create(settings);
        if ((await db.Database.GetPendingMigrationsAsync(ct)).Any())
        {
            throw new InvalidOperationException($"The database ({settings.Describe()}) needs migrations: run 'pk db migrate' first.");
        }

        var audit = new AuditLog(db, TimeProvider.System);
        await using var tx = await audit.BeginAsync(ct);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Name == name, ct);
        if (user is { DirectoryRole: not DirectoryRole.PublisherAdmin })
        {
            throw new InvalidOperationException($"'{name}' is a customer's user; choose another name for publisher staff.");
        }

        if (user is null)
        {
            user = new User { Id = Guid.NewGuid(), Name = name, OrganizationId = null, DirectoryRole = DirectoryRole.PublisherAdmin, PasswordHash = "" };
            db.Users.Add(user);
        }

        user.PasswordHash = Passwords.Hash(user, password);
        user.IsDisabled = false; // the way back in when every publisher admin was disabled
        var (token, row) = ApiTokens.Issue(user.Id, "bootstrap", TimeProvider.System.GetUtcNow(), TokenOptions.DefaultLifetime);
        db.ApiTokens.Add(row);
        await audit.AppendAsync("pk db create-admin", "publisher-admin.created", $"user:{user.Id}", name, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return token;
    }
}
