using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Service.Identity;

namespace ProductKeys.Service.Portal.Pages;

/// <summary>
/// The sign-in form's target: the API's password check and throttles (PasswordSignIn, the per-address
/// rate limit), then a portal session cookie.
/// </summary>
[EnableRateLimiting(IdentitySetup.SignInPolicy)]
internal sealed class SignInModel(LicensingDbContext db, PasswordSignIn signIn, TimeProvider time, IOptions<TokenOptions> tokens) : PageModel
{
    public SignInForm Form { get; private set; } = new();

    /// <summary>The form's fields, bound as properties rather than handler arguments: ASP.NET Core writes a handler's
    /// arguments into its Trace log ("Executing handler method … with arguments (alice, PASSWORD, …)"), so an operator who
    /// turned Microsoft.AspNetCore up to Trace had every password typed into the portal in the log.</summary>
    [BindProperty(Name = "user")]
    public string? UserName { get; set; }

    [BindProperty(Name = "password")]
    public string? Password { get; set; }

    public IActionResult OnGet() => Redirect(PortalPaths.Home);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var (user, password) = (UserName, Password);
        if (string.IsNullOrWhiteSpace(user) || string.IsNullOrEmpty(password) || user.Length > 100 || password.Length > 1000)
        {
            return Refused(user, new Refusal(ErrorCatalogue.ValidationFailed, "Enter your user name and your password."));
        }

        var client = HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var verified = await signIn.VerifyAsync(client, user, password, ct);
        if (!verified.IsSuccess)
        {
            return Refused(user, verified.Refusal);
        }

        await PortalSession.StartAsync(HttpContext, db, verified.Value, time.GetUtcNow(), tokens.Value, ct);
        return Redirect(PortalPaths.Accounts);
    }

    private PageResult Refused(string? user, Refusal refusal)
    {
        Form = new SignInForm { UserName = user?.Length <= 100 ? user : null, Refusal = refusal };
        Response.StatusCode = refusal.Error.HttpStatus;
        return Page();
    }
}
