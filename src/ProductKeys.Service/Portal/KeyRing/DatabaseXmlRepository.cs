using System.Collections.ObjectModel;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ProductKeys.Data;
using ProductKeys.Data.Portal;

namespace ProductKeys.Service.Portal.KeyRing;

/// <summary>
/// The Data Protection key ring in the licensing database (<c>DataProtectionKeys</c>), so every node of one
/// database shares it and it outlives a restart. Data Protection calls it synchronously, rarely: when it
/// loads the ring (at start, about once a day, on a key it does not know) and when it adds a key (every 90 days).
/// </summary>
internal sealed class DatabaseXmlRepository(IServiceScopeFactory scopes) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LicensingDbContext>();
        var rows = db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => k.Xml).ToList();
        return new ReadOnlyCollection<XElement>([.. rows.Select(xml => XElement.Parse(xml))]);
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LicensingDbContext>();
        db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }
}
