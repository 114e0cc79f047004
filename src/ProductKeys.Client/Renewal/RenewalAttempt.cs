using ProductKeys.Client.Licensing;
using ProductKeys.Core.Errors;

namespace ProductKeys.Client.Renewal;

/// <summary>The result of one renewal pass (<see cref="LicenseRenewal.RenewIfDueAsync"/>).</summary>
/// <param name="Action">What was done.</param>
/// <param name="At">When the pass ran.</param>
/// <param name="Status">The license status afterwards, or <c>null</c> when the store could not be read.</param>
/// <param name="Refusal">Why the attempt failed, when <paramref name="Action"/> is <see cref="RenewalAction.Failed"/>.</param>
/// <param name="NextDue">When the next attempt is due; <c>null</c> when none will be (no key, or a MAK activation, which is permanent).</param>
/// <param name="Message">One line saying what happened, for a log or a console.</param>
public sealed record RenewalAttempt(
    RenewalAction Action,
    DateTimeOffset At,
    LicenseStatus? Status,
    Refusal? Refusal,
    DateTimeOffset? NextDue,
    string Message)
{
    /// <summary>
    /// When the renewal loop will look again: <see cref="NextDue"/> plus this device's jitter
    /// (<see cref="RenewalJitter"/>); <c>null</c> outside the loop.
    /// </summary>
    public DateTimeOffset? NextAttempt { get; init; }
}
