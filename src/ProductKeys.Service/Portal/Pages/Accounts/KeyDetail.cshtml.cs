using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Service.Keys;

namespace ProductKeys.Service.Portal.Pages.Accounts;

/// <summary>One key's activity (KeyActivity): a MAK's devices and remaining count, a KMS host key's hosts, usage reports.</summary>
internal sealed class KeyDetailModel(LicensingDbContext db) : PageModel
{
    public Guid AccountId { get; private set; }

    public string? AccountName { get; private set; }

    public Refusal? Refusal { get; private set; }

    public KeyActivity.Activity? Activity { get; private set; }

    /// <summary>The page of devices asked for, from 1 (KeyActivity.DevicesPerPage a page, the latest activated first).</summary>
    [BindProperty(SupportsGet = true, Name = "page-number")]
    public int PageNumber { get; set; } = 1;

    /// <summary>This page's address for another page of devices.</summary>
    public string DevicePageLink(int number) =>
        $"{PortalPaths.KeyDetail(AccountId, KeyId)}?page-number={number.ToString(System.Globalization.CultureInfo.InvariantCulture)}#devices";

    private Guid KeyId { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, Guid keyId, CancellationToken ct)
    {
        AccountId = id;
        KeyId = keyId;
        var read = await KeyActivity.ReadAsync(id, keyId, PageNumber, User, db, ct);
        if (!read.IsSuccess)
        {
            Refusal = read.Refusal;
            Response.StatusCode = Refusal.Error.HttpStatus;
            return Page();
        }

        Activity = read.Value;
        AccountName = await db.BillingAccounts.AsNoTracking().Where(a => a.Id == id).Select(a => a.Name).SingleOrDefaultAsync(ct);
        return Page();
    }

    /// <summary>The first twelve characters of the stored hardware ID: enough to tell devices apart.</summary>
    public static string HardwarePrefix(string hardwareId) => hardwareId.Length <= 12 ? hardwareId : hardwareId[..12] + "…";
}
