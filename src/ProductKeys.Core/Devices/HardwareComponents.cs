namespace ProductKeys.Core.Devices;

/// <summary>
/// The raw component values read on a device. They never leave the device: only
/// <see cref="HardwareId.Create"/>'s salted hashes do. Absent components are <c>null</c> or empty
/// and simply do not vote.
/// </summary>
public sealed record HardwareComponents
{
    /// <summary>A device where nothing could be read.</summary>
    public static HardwareComponents Empty { get; } = new();

    /// <summary>The operating system's machine id.</summary>
    public string? MachineId { get; init; }

    /// <summary>The firmware's product UUID.</summary>
    public string? ProductUuid { get; init; }

    /// <summary>The mainboard serial number.</summary>
    public string? BoardSerial { get; init; }

    /// <summary>Serial numbers (or stable by-id names) of the fixed disks.</summary>
    public IReadOnlyList<string> DiskSerials { get; init; } = [];

    /// <summary>Permanent MAC addresses of the physical network adapters.</summary>
    public IReadOnlyList<string> NetworkAdapters { get; init; } = [];

    /// <summary>Processor model and logical processor count, e.g. <c>AMD EPYC|2</c>.</summary>
    public string? Cpu { get; init; }
}
