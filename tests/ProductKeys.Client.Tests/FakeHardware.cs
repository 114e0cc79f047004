using ProductKeys.Core.Devices;

namespace ProductKeys.Client.Tests;

internal sealed class FakeHardware : IHardwareSource
{
    public HardwareComponents Components { get; set; } = new()
    {
        MachineId = "machine-1",
        ProductUuid = "uuid-1",
        BoardSerial = "board-1",
        DiskSerials = ["disk-1"],
        NetworkAdapters = ["00:11:22:33:44:55"],
        Cpu = "cpu x 8",
    };

    public HardwareComponents Read() => Components;
}
