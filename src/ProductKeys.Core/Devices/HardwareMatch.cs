namespace ProductKeys.Core.Devices;

/// <summary>
/// The result of comparing the hardware ID a device was activated with to its current one
/// (<see cref="HardwareId.Compare"/>, rule in <see cref="HardwareTolerance"/>).
/// </summary>
/// <param name="MatchedVotes">Votes of the component kinds that still match.</param>
/// <param name="AvailableVotes">Votes of the component kinds present in both IDs.</param>
/// <param name="IsSameDevice">True when the device is within tolerance.</param>
public readonly record struct HardwareMatch(int MatchedVotes, int AvailableVotes, bool IsSameDevice)
{
    /// <summary>True when the hardware changed significantly: the device must activate again.</summary>
    public bool IsSignificantChange => !IsSameDevice;
}
