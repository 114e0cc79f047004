namespace ProductKeys.Service.Portal;

/// <summary>What the page-expired page (Pages/Shared/_PageExpired.cshtml) shows: the code, and the page to open again.</summary>
/// <param name="Code">The stable code of the refusal (<c>VALIDATION_FAILED</c>).</param>
/// <param name="Again">The portal page the form was on (its path, without the form's handler).</param>
internal sealed record PageExpired(string Code, string Again);
