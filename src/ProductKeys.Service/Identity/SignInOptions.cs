using System.ComponentModel.DataAnnotations;

namespace ProductKeys.Service.Identity;

/// <summary>Throttling of failed sign-ins, per client address and user name, and per account (section "SignIn").</summary>
internal sealed class SignInOptions
{
    /// <summary>Failed sign-ins for one user name from one address before that pair waits <see cref="Window"/>.</summary>
    [Range(1, 1000)]
    public int MaxFailures { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Sign-in attempts per client address per minute, whatever the user names (spraying).</summary>
    [Range(1, 100_000)]
    public int MaxAttemptsPerAddress { get; set; } = 60;

    /// <summary>Failed sign-ins for one user name from any addresses before the account backs off.</summary>
    [Range(1, 100_000)]
    public int MaxFailuresPerAccount { get; set; } = 10;

    /// <summary>The first back-off; each further failure doubles it, up to <see cref="AccountBackoffMaximum"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan AccountBackoff { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan AccountBackoffMaximum { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>An account's failures are forgotten after this long without one (and at its next successful sign-in).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan AccountFailuresKept { get; set; } = TimeSpan.FromHours(1);
}
