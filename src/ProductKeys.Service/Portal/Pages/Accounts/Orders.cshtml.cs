using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ProductKeys.AdminApi.Orders;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Data.Catalog;
using ProductKeys.Service.Accounts;
using ProductKeys.Service.Orders;

namespace ProductKeys.Service.Portal.Pages.Accounts;

/// <summary>
/// A billing account's orders with their key packages, and the order form for owners and contributors.
/// The rules are the API's (OrderPlacement.PlaceForAsync, OrderListing), so are the refusals.
/// </summary>
internal sealed class OrdersModel(LicensingDbContext db, OrderPlacement placement, IOptions<OrderOptions> options) : PageModel
{
    public Guid AccountId { get; private set; }

    public string? AccountName { get; private set; }

    /// <summary>Why the orders cannot be read (the page then shows nothing else).</summary>
    public Refusal? Refusal { get; private set; }

    /// <summary>Why this user may not place orders (the form is then replaced by the reason).</summary>
    public Refusal? OrderRefusal { get; private set; }

    public List<OrderResponse> Orders { get; private set; } = [];

    public List<Product> Products { get; private set; } = [];

    public int CalPackSize => options.Value.CalPackSize;

    public int MaxQuantity => options.Value.MaxQuantity;

    [BindProperty(SupportsGet = true, Name = "placed")]
    public Guid? Placed { get; set; }

    /// <summary>Orders per page, the newest first.</summary>
    public const int PageSize = 50;

    /// <summary>The page asked for, from 1; anything outside the pages shows the nearest one (<see cref="Window"/>).</summary>
    [BindProperty(SupportsGet = true, Name = "page-number")]
    public int PageNumber { get; set; } = 1;

    public PageWindow Window { get; private set; } = PageWindow.For(0, PageSize, 1);

    public string PageLink(int number) =>
        $"{PortalPaths.Orders(AccountId)}?page-number={number.ToString(System.Globalization.CultureInfo.InvariantCulture)}#placed-orders";

    public Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => ShowAsync(id, null, ct);

    public async Task<IActionResult> OnPostAsync(Guid id, string? product, string? quantity, string? split, CancellationToken ct)
    {
        // The checkbox sends "true" or nothing: bound as a bool, any other value read as false and placed an unsplit order.
        var splitting = false;
        if (split is not null && !bool.TryParse(split, out splitting))
        {
            return await ShowAsync(id, new Refusal(ErrorCatalogue.ValidationFailed, "The form's 'split' field must be true or left out; no order was placed."), ct);
        }

        int? wanted = int.TryParse(quantity, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
        var placed = await placement.PlaceForAsync(id, new OrderRequest(product, wanted, splitting), User, ct);
        return placed.IsSuccess
            ? Redirect($"{PortalPaths.Orders(id)}?placed={placed.Value.PurchaseId}")
            : await ShowAsync(id, placed.Refusal, ct);
    }

    private async Task<IActionResult> ShowAsync(Guid id, Refusal? refusal, CancellationToken ct)
    {
        AccountId = id;
        var access = await AccountAccess.FindAsync(db, User, id, ct);
        // After an order is placed, or a refused form is shown again, the first page: the newest orders.
        var listed = await OrderListing.ListPageAsync(id, refusal is null ? PageNumber : 1, PageSize, User, db, ct);
        Refusal = refusal ?? listed.Refusal;
        if (access.IsSuccess && listed.IsSuccess)
        {
            AccountName = access.Value.Account.Name;
            OrderRefusal = AccessRules.MayPlaceOrders(access.Value.Role);
            (Orders, Window) = listed.Value;
            Products = await db.Products.AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct);
        }

        if (Refusal is not null)
        {
            Response.StatusCode = Refusal.Error.HttpStatus;
        }

        return Page();
    }

    public string ProductName(string id) => Products.Find(p => p.Id == id)?.Name ?? id;
}
