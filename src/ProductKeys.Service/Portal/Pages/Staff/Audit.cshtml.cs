using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using ProductKeys.AdminApi.Audit;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Service.Audit;

namespace ProductKeys.Service.Portal.Pages.Staff;

/// <summary>Publisher staff: the chain status and the latest audit entries, read and verified by AuditReading as the API does.</summary>
internal sealed class AuditModel(LicensingDbContext db) : PageModel
{
    public const int Shown = 200;

    public Refusal? Refusal { get; private set; }

    public AuditVerification? Chain { get; private set; }

    public List<AuditEntryResponse> Entries { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var verified = await AuditReading.VerifyAsync(User, db, ct);
        if (!verified.IsSuccess)
        {
            Refusal = verified.Refusal;
            Response.StatusCode = Refusal.Error.HttpStatus;
            return Page();
        }

        Chain = verified.Value;
        var last = await db.AuditEntries.AsNoTracking().MaxAsync(e => (long?)e.Sequence, ct) ?? 0;
        var listed = await AuditReading.ListAsync(User, db, Math.Max(0, last - Shown), Shown, ct);
        Entries = listed.IsSuccess ? listed.Value : [];
        Entries.Reverse(); // newest first
        return Page();
    }
}
