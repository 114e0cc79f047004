using System.ComponentModel.DataAnnotations;

namespace ProductKeys.Service.Identity;

/// <summary>Throttling of failed sign-ins, per client address and user name (section "SignIn").</summary>
internal sealed class SignInOptions
{
    [Range(1, 1000)]
    public int MaxFailures { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Sign-in attempts per client address per minute, whatever the user names (spraying).</summary>
    [Range(1, 100_000)]
    public int MaxAttemptsPerAddress { get; set; } = 60;
}
