namespace ProductKeys.Data.Activations;

/// <summary>
/// One device activated with a MAK. A device that comes back within hardware tolerance reuses its
/// row (and costs nothing); a new device or a significant hardware change adds a row and consumes
/// one activation of the key.
/// </summary>
public sealed class MakActivation
{
    public Guid Id { get; set; }

    public Guid KeyId { get; set; }

    public required string ProductId { get; set; }

    /// <summary>The hardware ID the latest certificate is bound to (text form; hashes only).</summary>
    public required string HardwareId { get; set; }

    public DateTimeOffset ActivatedAt { get; set; }

    public DateTimeOffset LastActivatedAt { get; set; }

    /// <summary>How many times this device activated (the first time and every re-activation).</summary>
    public int Activations { get; set; }
}
