using System.Collections.Concurrent;

namespace ProductKeys.KmsHost.Counting;

/// <summary>The names of the request counters kept in the database.</summary>
internal static class KmsCounters
{
    public const string Requests = "requests";
    public const string Failed = "failed";
    public const string Activated = "activated";
    public const string NotYet = "not-yet";
    public const string StatePrefix = "state.";
    public const string FailedPrefix = "failed.";

    // Built once per name: only known client states and catalogue codes reach here, so the cache stays tiny.
    private static readonly ConcurrentDictionary<string, string> States = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string> Failures = new(StringComparer.Ordinal);

    public static string State(string clientState) => States.GetOrAdd(clientState, static s => StatePrefix + s);

    public static string FailedWith(string code) => Failures.GetOrAdd(code, static c => FailedPrefix + c);
}
