namespace ProductKeys.Core.Devices;

/// <summary>
/// The kinds of component a <see cref="HardwareId"/> is made of. The numeric value is the tag
/// written in the binary layout (docs/formats/hardware-id-v1.md): never renumber a shipped kind.
/// </summary>
public enum HardwareComponentKind : byte
{
    /// <summary>The operating system's machine id (Linux <c>/etc/machine-id</c>, Windows MachineGuid).</summary>
    MachineId = 1,

    /// <summary>The firmware's product UUID (DMI <c>product_uuid</c>; usually readable by root only).</summary>
    ProductUuid = 2,

    /// <summary>The mainboard serial number (DMI <c>board_serial</c>; usually readable by root only).</summary>
    BoardSerial = 3,

    /// <summary>A fixed disk's serial number; one hash per disk.</summary>
    Disk = 4,

    /// <summary>A physical network adapter's MAC address; one hash per adapter.</summary>
    NetworkAdapter = 5,

    /// <summary>The processor model and logical processor count.</summary>
    Cpu = 6,

    /// <summary>An operator-supplied stable device ID (<c>--device-id</c>); never mixed with other kinds.</summary>
    DeviceId = 15,
}
