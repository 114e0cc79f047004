using System.ComponentModel.DataAnnotations;

namespace ProductKeys.Service.Identity;

/// <summary>Bearer token lifetimes (section "Tokens"; docs/adr/0017-token-lifecycle-and-shared-throttles.md).</summary>
internal sealed class TokenOptions
{
    public const string Section = "Tokens";

    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(30);

    /// <summary>How long a token works after it is issued; a sign-in session's is measured from its last use.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan Lifetime { get; set; } = DefaultLifetime;

    /// <summary>However much a sign-in session is used, it ends this long after sign-in.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan SessionMaximum { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// How long a portal session lasts unused (12 hours): shorter than a <c>pk login</c> session's, since the portal shows
    /// product keys in a browser that may be left open (ADR 0022).
    /// </summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan PortalLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>However much a portal session is used, it ends this long after sign-in (7 days).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "90.00:00:00")]
    public TimeSpan PortalSessionMaximum { get; set; } = TimeSpan.FromDays(7);
}
