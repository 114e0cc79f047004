using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ProductKeys.AdminApi.Accounts;
using ProductKeys.Data;
using ProductKeys.Service.Accounts;

namespace ProductKeys.Service.Portal.Pages.Accounts;

/// <summary>
/// The accounts the user holds a role on (publisher staff: every account), as GET /billing-accounts answers, by name,
/// <see cref="PageSize"/> a page: a publisher's staff may see thousands of customers' accounts.
/// </summary>
internal sealed class AccountsModel(LicensingDbContext db) : PageModel
{
    public const int PageSize = 100;

    /// <summary>The page asked for, from 1; anything outside the pages shows the nearest one (<see cref="Window"/>).</summary>
    [BindProperty(SupportsGet = true, Name = "page-number")]
    public int PageNumber { get; set; } = 1;

    public PageWindow Window { get; private set; } = PageWindow.For(0, PageSize, 1);

    public List<BillingAccountResponse> Accounts { get; private set; } = [];

    public static string PageLink(int number) =>
        $"{PortalPaths.Accounts}?page-number={number.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    public async Task OnGetAsync(CancellationToken ct)
    {
        var visible = await VisibleAccounts.ListAsync(User, db, ct);
        Window = PageWindow.For(visible.Count, PageSize, PageNumber);
        Accounts = visible.Skip(Window.Skip).Take(Window.Size).ToList();
    }
}
