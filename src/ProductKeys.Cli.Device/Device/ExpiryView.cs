namespace ProductKeys.Cli.Device;

/// <summary>What <c>xpr</c> prints with <c>--json</c>.</summary>
internal sealed record ExpiryView(string State, bool Permanent, DateTimeOffset? Expires, DateTimeOffset? GraceEnds);
