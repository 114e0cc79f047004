using ProductKeys.Core.Devices;

namespace ProductKeys.Core.Tests.Devices;

/// <summary>A workstation with every component readable (running as root), and helpers to build IDs from it.</summary>
internal static class SampleDevice
{
    public const string Product = "desktop-pro";

    public static HardwareComponents Workstation { get; } = new()
    {
        MachineId = "3d1219c7c4c5404aaa1f6d2a48adfda4",
        ProductUuid = "4c4c4544-0042-3510-8052-b4c04f4e3332",
        BoardSerial = ".5R2NB42.CN1296",
        DiskSerials = ["S3Z9NB0K123456A", "WD-WCC4N1234567"],
        NetworkAdapters = ["52:54:00:12:34:56", "52:54:00:ab:cd:ef"],
        Cpu = "AMD EPYC 7763 64-Core Processor|2",
    };

    public static HardwareId Id(HardwareComponents components, string product = Product)
    {
        var outcome = HardwareId.Create(components, product);
        Assert.True(outcome.IsSuccess, outcome.Refusal?.ToString());
        return outcome.Value;
    }
}
