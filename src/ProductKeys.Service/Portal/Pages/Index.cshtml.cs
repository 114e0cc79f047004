using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ProductKeys.Service.Portal.Pages;

/// <summary><c>GET /</c>: the sign-in page for strangers; the billing accounts for someone signed in.</summary>
internal sealed class IndexModel : PageModel
{
    public SignInForm Form { get; } = new();

    public async Task<IActionResult> OnGetAsync()
    {
        var session = await HttpContext.AuthenticateAsync(PortalAuthenticationHandler.SchemeName);
        return session.Succeeded ? Redirect(PortalPaths.Accounts) : Page();
    }
}
