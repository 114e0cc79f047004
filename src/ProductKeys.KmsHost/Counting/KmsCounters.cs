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

    public static string State(string clientState) => StatePrefix + clientState;

    public static string FailedWith(string code) => FailedPrefix + code;
}
