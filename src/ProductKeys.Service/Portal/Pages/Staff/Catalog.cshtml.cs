using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Data.Catalog;
using ProductKeys.Service.Accounts;
using ProductKeys.Service.Activations;

namespace ProductKeys.Service.Portal.Pages.Staff;

/// <summary>Publisher staff: the catalog (products, the key types an order yields, thresholds) and activations per day per product.</summary>
internal sealed class CatalogModel(LicensingDbContext db, TimeProvider time) : PageModel
{
    public const int Days = 30;

    public Refusal? Refusal { get; private set; }

    public List<Product> Products { get; private set; } = [];

    public List<ActivationChart> Charts { get; private set; } = [];

    public DateOnly First { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (AccessRules.MayManageCustomersAndCatalog(User) is { } refusal)
        {
            Refusal = refusal;
            Response.StatusCode = refusal.Error.HttpStatus;
            return Page();
        }

        Products = await db.Products.AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        First = today.AddDays(1 - Days);
        var from = new DateTimeOffset(First.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var days = await ActivationsPerDay.CountAsync(db, from, ct);
        Charts = ActivationChart.Build(days, Products.ToDictionary(p => p.Id, p => p.Name), First, Days);
        return Page();
    }
}
