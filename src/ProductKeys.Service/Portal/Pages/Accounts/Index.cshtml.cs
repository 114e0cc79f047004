using Microsoft.AspNetCore.Mvc.RazorPages;
using ProductKeys.AdminApi.Accounts;
using ProductKeys.Data;
using ProductKeys.Service.Accounts;

namespace ProductKeys.Service.Portal.Pages.Accounts;

/// <summary>The accounts the user holds a role on (publisher staff: every account), as GET /billing-accounts answers.</summary>
internal sealed class AccountsModel(LicensingDbContext db) : PageModel
{
    public List<BillingAccountResponse> Accounts { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Accounts = await VisibleAccounts.ListAsync(User, db, ct);
}
