using ProductKeys.Client.Renewal;

namespace ProductKeys.Cli.Device;

/// <summary>What <c>pk renew</c> and <c>pk agent</c> print for one store and one pass (with <c>--json</c>, one object per line).</summary>
internal sealed record RenewalReport(
    string Store,
    string Action,
    string? State,
    DateTimeOffset? Expires,
    DateTimeOffset? GraceEnds,
    string? Code,
    DateTimeOffset At,
    DateTimeOffset? NextDue,
    DateTimeOffset? NextAttempt,
    string Message)
{
    public static RenewalReport From(string store, RenewalAttempt attempt) => new(
        store,
        attempt.Action.ToString(),
        attempt.Status?.State.ToString(),
        attempt.Status?.Expires,
        attempt.Status?.GraceEnds,
        attempt.Refusal?.Code,
        attempt.At,
        attempt.NextDue,
        attempt.NextAttempt,
        attempt.Message);

    /// <summary>One line: when, which store, what was done, and when the next look is.</summary>
    public string ToLine() =>
        $"{At:u} {Store}: {Action}: {Message}" + (NextAttempt is { } next ? $" Next look {next:u}." : "");
}
