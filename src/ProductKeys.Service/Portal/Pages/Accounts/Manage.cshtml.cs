using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Data.Keys;
using ProductKeys.Service.Audit;
using ProductKeys.Service.Keys;

namespace ProductKeys.Service.Portal.Pages.Accounts;

/// <summary>
/// Publisher staff: an account's keys as metadata (never plaintext), block or unblock, raise a MAK's limit.
/// The same KeyAdministration the API's /keys endpoints call, so rules and audit entries are theirs.
/// </summary>
internal sealed class ManageModel(LicensingDbContext db, AuditLog audit, ILoggerFactory loggers) : PageModel
{
    public Guid AccountId { get; private set; }

    public string? AccountName { get; private set; }

    public Refusal? Refusal { get; private set; }

    public List<IssuedKey> Keys { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => ShowAsync(id, null, ct);

    public async Task<IActionResult> OnPostStatusAsync(Guid id, Guid keyId, string? block, CancellationToken ct)
    {
        // Only "true" or "false": bound as a bool, any other value read as false and unblocked the key.
        if (!bool.TryParse(block, out var blocking))
        {
            return await ShowAsync(id, new Refusal(ErrorCatalogue.ValidationFailed, "The form's 'block' field must be true or false; nothing was changed."), ct);
        }

        var done = await KeyAdministration.SetStatusAsync(keyId, blocking ? KeyStatus.Blocked : KeyStatus.Active, User, db, audit, loggers, ct);
        return done.IsSuccess ? Redirect(PortalPaths.Manage(id)) : await ShowAsync(id, done.Refusal, ct);
    }

    public async Task<IActionResult> OnPostLimitAsync(Guid id, Guid keyId, string? limit, CancellationToken ct)
    {
        int? wanted = int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
        var done = await KeyAdministration.RaiseLimitAsync(keyId, wanted, User, db, audit, loggers, ct);
        return done.IsSuccess ? Redirect(PortalPaths.Manage(id)) : await ShowAsync(id, done.Refusal, ct);
    }

    private async Task<IActionResult> ShowAsync(Guid id, Refusal? refusal, CancellationToken ct)
    {
        AccountId = id;
        var listed = await KeyAdministration.ListAsync(id, User, db, ct);
        Refusal = refusal ?? listed.Refusal;
        if (listed.IsSuccess)
        {
            AccountName = await db.BillingAccounts.AsNoTracking().Where(a => a.Id == id).Select(a => a.Name).SingleOrDefaultAsync(ct);
            Keys = listed.Value;
        }

        if (Refusal is not null)
        {
            Response.StatusCode = Refusal.Error.HttpStatus;
        }

        return Page();
    }
}
