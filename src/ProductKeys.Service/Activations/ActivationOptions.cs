namespace ProductKeys.Service.Activations;

/// <summary>Limits on failed key guesses (section "Activations" of the configuration).</summary>
public sealed class ActivationOptions
{
    public const string Section = "Activations";

    /// <summary>Failed guesses (malformed, mistyped or forged keys) one client address may make per window.</summary>
    public int MaxFailuresPerAddress { get; set; } = 30;

    /// <summary>The window, in seconds.</summary>
    public int WindowSeconds { get; set; } = 600;

    /// <summary>Most requests one offline batch may carry.</summary>
    public int MaxOfflineBatch { get; set; } = 1000;
}
