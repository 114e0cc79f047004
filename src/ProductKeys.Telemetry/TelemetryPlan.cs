namespace ProductKeys.Telemetry;

/// <summary>What one host reports: its name, its meters and, when traces are exported, its activity sources.</summary>
/// <param name="ServiceName">The OpenTelemetry <c>service.name</c>, e.g. <c>pk-server</c>.</param>
/// <param name="Meters">The host's own meters (the runtime's <c>System.Runtime</c> is always added).</param>
/// <param name="ActivitySources">The host's own activity sources (ASP.NET Core's requests are always added).</param>
public sealed record TelemetryPlan(string ServiceName, IReadOnlyList<string> Meters, IReadOnlyList<string> ActivitySources);
