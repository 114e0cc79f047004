using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ProductKeys.Data;

namespace ProductKeys.Service.Portal.Pages;

/// <summary>Ends the session on the server (its token row is deleted) and drops the cookie.</summary>
internal sealed class SignOutModel(LicensingDbContext db) : PageModel
{
    public IActionResult OnGet() => Redirect(PortalPaths.Accounts);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await PortalSession.EndAsync(HttpContext, db, ct);
        return Redirect(PortalPaths.Home);
    }
}
