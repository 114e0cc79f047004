using Microsoft.EntityFrameworkCore;
using ProductKeys.Data;
using ProductKeys.Data.Accounts;

namespace ProductKeys.Service.Accounts;

/// <summary>
/// Organization names are unique whatever their case ("Fabrikam" and "FABRIKAM" are one customer), so scripts and
/// people can find an organization by its name (docs/operations.md, "First start in production").
/// </summary>
internal static class OrganizationNames
{
    /// <summary>The organization named <paramref name="name"/> (trimmed), compared ignoring case; <c>null</c> when none.</summary>
    public static async Task<Organization?> FindAsync(LicensingDbContext db, string name, CancellationToken ct)
    {
        // SQLite's lower() and upper() know ASCII only: the database narrows by length, .NET compares the case. Both databases
        // count characters (code points) where .NET's Length counts UTF-16 units, so the length sent is the count of runes.
        var characters = name.EnumerateRunes().Count();
        var sameLength = await db.Organizations.AsNoTracking().Where(o => o.Name.Length == characters).ToListAsync(ct);
        return sameLength.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase));
    }
}
