using System.Collections.ObjectModel;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProductKeys.Data;
using ProductKeys.Data.Portal;
using ProductKeys.Service.Hosting;

namespace ProductKeys.Service.Portal.KeyRing;

/// <summary>
/// The Data Protection key ring in the licensing database (<c>DataProtectionKeys</c>), so every node of one
/// database shares it and it outlives a restart. Data Protection calls it synchronously, rarely: when it
/// loads the ring (at start, about once a day, on a key it does not know) and when it adds a key (every 90 days).
/// </summary>
internal sealed partial class DatabaseXmlRepository(IServiceScopeFactory scopes, ILogger<DatabaseXmlRepository> logger) : IXmlRepository
{
    /// <summary>
    /// Every stored element. A row that is not XML (a hand edit, a damaged restore) is skipped with a warning
    /// naming it, so one bad row costs that key, not every page with a form.
    /// </summary>
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LicensingDbContext>();
        var rows = db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => new { k.Id, k.FriendlyName, k.Xml }).ToList();
        var elements = new List<XElement>(rows.Count);
        foreach (var row in rows)
        {
            XElement element;
            try
            {
                element = XElement.Parse(row.Xml);
            }
            catch (System.Xml.XmlException e)
            {
                LogUnreadableRow(logger, row.Id, LogText.Safe(row.FriendlyName), e.Message);
                continue;
            }

            // Only keys this service wrote: a key whose secret is not under the secrets folder's encryption (one
            // planted by hand in the database, or a revocation) is not believed.
            if (element.Name.LocalName != "key" || !element.Descendants(KeyRingEncryption.ElementName).Any())
            {
                LogUnreadableRow(logger, row.Id, LogText.Safe(row.FriendlyName), "not a key encrypted under this secrets folder's key");
                continue;
            }

            elements.Add(element);
        }

        return new ReadOnlyCollection<XElement>(elements);
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning,
        Message = "DataProtectionKeys row {Id} ({FriendlyName}) is skipped: {Reason}; delete it, the portal makes a new key when it needs one")]
    private static partial void LogUnreadableRow(ILogger logger, int id, string friendlyName, string reason);

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LicensingDbContext>();
        db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }
}
