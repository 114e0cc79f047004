using System.Net.Mime;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ProductKeys.AdminApi.Keys;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Data;
using ProductKeys.Service.Accounts;
using ProductKeys.Service.Audit;
using ProductKeys.Service.Keys;
using ProductKeys.Service.Secrets;

namespace ProductKeys.Service.Portal.Pages.Accounts;

/// <summary>
/// Billing account → products → product keys: the page the source document is about. The key rule, the
/// audit entry and the rows are the API's own (KeyDisclosure, KeyRows, KeyExport): the CSV download is
/// the API export's bytes, and each view or download is audited exactly as through the API.
/// </summary>
internal sealed class KeysModel(LicensingDbContext db, AuditLog audit, KeySecrets secrets, ILoggerFactory loggers) : PageModel
{
    public sealed record Key(KeyRow Row, DateTimeOffset OrderedAt);

    public sealed record ProductKeys(string Id, string Name, List<Key> Keys);

    [BindProperty(SupportsGet = true, Name = "product")]
    public string? ProductFilter { get; set; }

    [BindProperty(SupportsGet = true, Name = "type")]
    public string? TypeFilter { get; set; }

    public Guid AccountId { get; private set; }

    public string? AccountName { get; private set; }

    public Refusal? Refusal { get; private set; }

    public List<ProductKeys> Products { get; } = [];

    public List<(string Id, string Name)> ProductChoices { get; } = [];

    public List<KeyType> TypeChoices { get; } = [];

    /// <summary>Keys per page of the product keys page.</summary>
    public const int PageSize = 100;

    /// <summary>The page asked for, from 1; anything outside the pages shows the nearest one (<see cref="Window"/>).</summary>
    [BindProperty(SupportsGet = true, Name = "page-number")]
    public int PageNumber { get; set; } = 1;

    /// <summary>The page shown of the keys matching the filter.</summary>
    public PageWindow Window { get; private set; } = PageWindow.For(0, PageSize, 1);

    /// <summary>This page's address with the filters kept, for another page number.</summary>
    public string PageLink(int number)
    {
        var query = new List<string>();
        if (!string.IsNullOrEmpty(ProductFilter))
        {
            query.Add("product=" + Uri.EscapeDataString(ProductFilter));
        }

        if (!string.IsNullOrEmpty(TypeFilter))
        {
            query.Add("type=" + Uri.EscapeDataString(TypeFilter));
        }

        query.Add("page-number=" + number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return PortalPaths.Keys(AccountId) + "?" + string.Join('&', query);
    }

    /// <summary>
    /// HEAD: the key rule's answer and the page's headers, without reading a key or writing a "viewed" entry, since nothing
    /// is shown. Razor Pages ran the GET handler for it, which audited a view whose body was never sent (found by a
    /// hostile review).
    /// </summary>
    public async Task<IActionResult> OnHeadAsync(Guid id, CancellationToken ct)
    {
        AccountId = id;
        if (await KeyDisclosure.CheckAsync(id, User, db, secrets, ct) is { } refusal)
        {
            return await RefusedAsync(refusal, ct);
        }

        Response.ContentType = "text/html; charset=utf-8";
        return new EmptyResult();
    }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        AccountId = id;
        // The key rule first: a filter's refusal names the account, so it is given only to someone who may see it (ADR 0005).
        if (await KeyDisclosure.CheckAsync(id, User, db, secrets, ct) is { } refusal)
        {
            return await RefusedAsync(refusal, ct);
        }

        KeyType? type = null;
        if (!string.IsNullOrEmpty(TypeFilter))
        {
            if (!EnumName.TryParse<KeyType>(TypeFilter, ignoreCase: false, out var parsed))
            {
                return await RefusedAsync(new Refusal(ErrorCatalogue.ValidationFailed,
                    $"Key type must be one of {string.Join(", ", Enum.GetNames<KeyType>())}."), ct);
            }

            type = parsed;
        }

        // Not a product ID is no product; nor is it sent to the database (PostgreSQL refuses a NUL in a string).
        if (!string.IsNullOrEmpty(ProductFilter) && !Names.IsValidSlug(ProductFilter))
        {
            return await RefusedAsync(new Refusal(ErrorCatalogue.ValidationFailed,
                "Product must be a product ID: a lower-case letter, then lower-case letters, digits and hyphens."), ct);
        }

        AccountName = await AccountNameAsync(id, ct);
        var names = await db.Products.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var (products, types) = await KeyRows.KindsAsync(db, id, ct);
        ProductChoices.AddRange(products.Select(p => (p, names.GetValueOrDefault(p, p))).OrderBy(c => c.Item2, StringComparer.Ordinal));
        TypeChoices.AddRange(types);

        // A page at a time (PageSize keys): an account with 10,000 keys derives and renders only the page shown.
        Window = PageWindow.For(await KeyRows.CountAsync(db, id, ProductFilter, type, ct), PageSize, PageNumber);
        var rows = await KeyRows.ReadPageAsync(db, secrets, id, ProductFilter, type, Window.Skip, PageSize, ct).ToListAsync(ct);
        var orderIds = rows.Select(r => r.OrderId).Distinct().ToList();
        var orders = await db.Orders.AsNoTracking().Where(o => orderIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.PlacedAt, ct);
        var groups = new Dictionary<string, ProductKeys>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!groups.TryGetValue(row.Product, out var group))
            {
                group = new ProductKeys(row.Product, names.GetValueOrDefault(row.Product, row.Product), []);
                groups.Add(row.Product, group);
            }

            group.Keys.Add(new Key(row, orders.GetValueOrDefault(row.OrderId)));
        }

        // Audited as shown, before the page is sent: these keys, and where they sit in the filtered list.
        await KeyDisclosure.RecordPageAsync(id, User, audit, loggers, [.. rows.Select(r => r.Key[^5..])], Which(), ct);
        Products.AddRange(groups.Values.OrderBy(g => g.Name, StringComparer.Ordinal));
        return Page();
    }

    /// <summary>Which part of the account the page shows, for its audit entry: positions, total, filters.</summary>
    private string Which()
    {
        var which = Window.Shown == 0 ? $"none of {Window.Total}" : $"keys {Window.First}–{Window.Last} of {Window.Total}";
        if (!string.IsNullOrEmpty(ProductFilter))
        {
            // Only a product of the account is named: the filter is the visitor's text.
            which += ProductChoices.Any(c => c.Id == ProductFilter) ? $", product {ProductFilter}" : ", a product the account has no keys of";
        }

        if (!string.IsNullOrEmpty(TypeFilter))
        {
            which += $", type {TypeFilter}";
        }

        return which;
    }

    /// <summary>"Download CSV": the key rule and audit as the API's export, then the API export's own writer.</summary>
    public async Task<IActionResult> OnPostDownloadAsync(Guid id, CancellationToken ct)
    {
        AccountId = id;
        var audited = await KeyDisclosure.DiscloseAsync(id, User, db, secrets, audit, loggers, KeyDisclosure.ExportedCsv, ct);
        if (!audited.IsSuccess)
        {
            return await RefusedAsync(audited.Refusal, ct);
        }

        Response.ContentType = KeyExport.CsvContentType;
        Response.Headers.ContentDisposition = new ContentDisposition { FileName = KeyExport.CsvFileName(id) }.ToString();
        await KeyExport.WriteCsvAsync(Response.Body, KeyRows.ReadAsync(db, secrets, id, audited.Value, ct), ct);
        return new EmptyResult();
    }

    private async Task<IActionResult> RefusedAsync(Refusal refusal, CancellationToken ct)
    {
        Refusal = refusal;
        // Only an account the user may see is named: NOT_FOUND says nothing about other customers (ADR 0005).
        AccountName = refusal.Error == ErrorCatalogue.NotFound ? null : await AccountNameAsync(AccountId, ct);
        Response.StatusCode = refusal.Error.HttpStatus;
        return Page();
    }

    private Task<string?> AccountNameAsync(Guid id, CancellationToken ct) =>
        db.BillingAccounts.AsNoTracking().Where(a => a.Id == id).Select(a => a.Name).SingleOrDefaultAsync(ct);
}
