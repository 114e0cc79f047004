namespace ProductKeys.Core.Devices;

/// <summary>
/// When a device still counts as the one that was activated (docs/formats/hardware-id-v1.md).
/// Each component kind present in <em>both</em> IDs votes with its weight; a kind matches when
/// at least one of its hashes is in both IDs (so one of two network adapters may change). The
/// device is the same when the matching votes are at least <see cref="MinimumMatchedVotes"/> and
/// at least three quarters of the available votes; otherwise the change is significant.
/// An operator-supplied device ID matches only an identical device ID.
/// </summary>
public static class HardwareTolerance
{
    /// <summary>Fewest matching votes that can ever identify a device (the CPU alone never does).</summary>
    public const int MinimumMatchedVotes = 3;

    /// <summary>Numerator of the share of available votes that must still match.</summary>
    public const int ThresholdNumerator = 3;

    /// <summary>Denominator of the share of available votes that must still match.</summary>
    public const int ThresholdDenominator = 4;

    /// <summary>
    /// The votes of a component kind: machine id 3, product UUID 3, board serial 2, disks 2,
    /// network adapters 2, CPU 1 (13 in all). <see cref="HardwareComponentKind.DeviceId"/> does
    /// not vote: it is compared for identity.
    /// </summary>
    public static int WeightOf(HardwareComponentKind kind) => kind switch
    {
        HardwareComponentKind.MachineId => 3,
        HardwareComponentKind.ProductUuid => 3,
        HardwareComponentKind.BoardSerial => 2,
        HardwareComponentKind.Disk => 2,
        HardwareComponentKind.NetworkAdapter => 2,
        HardwareComponentKind.Cpu => 1,
        _ => 0,
    };

    /// <summary>True when <paramref name="matched"/> of <paramref name="available"/> votes keep the device the same.</summary>
    public static bool IsWithinTolerance(int matched, int available) =>
        matched >= MinimumMatchedVotes && matched * ThresholdDenominator >= available * ThresholdNumerator;

    internal static HardwareMatch Compare(ReadOnlySpan<ComponentHash> activated, ReadOnlySpan<ComponentHash> current)
    {
        var activatedIsDeviceId = activated is [{ Kind: HardwareComponentKind.DeviceId }];
        var currentIsDeviceId = current is [{ Kind: HardwareComponentKind.DeviceId }];
        if (activatedIsDeviceId || currentIsDeviceId)
        {
            var identical = activatedIsDeviceId && currentIsDeviceId && activated[0] == current[0];
            return new HardwareMatch(identical ? 1 : 0, 1, identical);
        }

        var matched = 0;
        var available = 0;
        HardwareComponentKind? previous = null;
        foreach (var component in activated)
        {
            // Components are sorted by kind: each kind is weighed once.
            if (component.Kind == previous)
            {
                continue;
            }

            previous = component.Kind;
            if (!Contains(current, component.Kind))
            {
                continue;
            }

            var weight = WeightOf(component.Kind);
            available += weight;
            if (SharesHash(activated, current, component.Kind))
            {
                matched += weight;
            }
        }

        return new HardwareMatch(matched, available, IsWithinTolerance(matched, available));
    }

    private static bool SharesHash(ReadOnlySpan<ComponentHash> left, ReadOnlySpan<ComponentHash> right, HardwareComponentKind kind)
    {
        foreach (var candidate in left)
        {
            if (candidate.Kind == kind && right.Contains(candidate))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Contains(ReadOnlySpan<ComponentHash> components, HardwareComponentKind kind)
    {
        foreach (var component in components)
        {
            if (component.Kind == kind)
            {
                return true;
            }
        }

        return false;
    }
}
