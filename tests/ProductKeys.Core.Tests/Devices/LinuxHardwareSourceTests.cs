using ProductKeys.Core.Devices;

namespace ProductKeys.Core.Tests.Devices;

public sealed class LinuxHardwareSourceTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pk-hw-");

    [Fact]
    public void The_real_machine_yields_an_id_without_throwing()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Reads the Linux file system.");

        var components = new LinuxHardwareSource().Read();
        var id = HardwareId.Create(components, SampleDevice.Product);

        Assert.True(id.IsSuccess, id.Refusal?.ToString());
        Assert.NotEmpty(id.Value.Components);
        Assert.Equal(id.Value, SampleDevice.Id(HardwareSource.ForCurrentPlatform().Read()));
    }

    [Fact]
    public void The_fallback_source_yields_an_id_without_throwing()
    {
        var id = HardwareId.Create(new FallbackHardwareSource().Read(), SampleDevice.Product);

        Assert.True(id.IsSuccess, id.Refusal?.ToString());
    }

    [Fact]
    public void A_missing_tree_reads_as_nothing()
    {
        var components = new LinuxHardwareSource(Path.Combine(_root.FullName, "missing")).Read();

        Assert.Null(components.MachineId);
        Assert.Null(components.Cpu);
        Assert.Empty(components.DiskSerials);
        Assert.Empty(components.NetworkAdapters);
    }

    [Fact]
    public void A_tree_reads_real_disks_and_physical_adapters_only()
    {
        Write("etc/machine-id", "3d1219c7c4c5404aaa1f6d2a48adfda4\n");
        Write("sys/class/dmi/id/product_uuid", "4c4c4544-0042-3510-8052-b4c04f4e3332\n");
        Write("sys/block/loop0/removable", "0");
        Write("sys/block/zram0/removable", "0");
        Write("sys/block/nvme0n1/device/serial", "  S6PNNM0T987654Z  \n");
        Write("sys/block/vda/serial", "virtio-serial-1\n");
        Write("sys/block/sda/removable", "0");
        Write("sys/block/sdb/removable", "1");
        Link("dev/disk/by-id/wwn-0x5002538e40a1b2c3", "../../sda");
        Link("dev/disk/by-id/ata-Samsung_SSD_860_S3Z9NB0K123456A", "../../sda");
        Link("dev/disk/by-id/ata-Samsung_SSD_860_S3Z9NB0K123456A-part1", "../../sda1");
        Link("dev/disk/by-id/usb-SanDisk_Cruzer_4C53000", "../../sdb");
        Write("sys/class/net/lo/address", "00:00:00:00:00:00");
        Write("sys/class/net/eth0/address", "52:54:00:12:34:56\n");
        Write("sys/class/net/eth0/addr_assign_type", "0");
        Directory.CreateDirectory(Path.Combine(_root.FullName, "sys/class/net/eth0/device"));
        Write("sys/class/net/wlan0/address", "f2:11:22:33:44:55");
        Write("sys/class/net/wlan0/addr_assign_type", "1");
        Directory.CreateDirectory(Path.Combine(_root.FullName, "sys/class/net/wlan0/device"));
        Write("sys/class/net/docker0/address", "02:42:ac:11:00:01");
        Write("sys/class/net/veth1a2b3c/address", "9e:00:00:00:00:01");
        Write("proc/cpuinfo", "processor\t: 0\nmodel name\t: AMD EPYC 7763 64-Core Processor\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7763 64-Core Processor\n");

        var components = new LinuxHardwareSource(_root.FullName).Read();

        Assert.Equal("3d1219c7c4c5404aaa1f6d2a48adfda4", components.MachineId);
        Assert.Equal("4c4c4544-0042-3510-8052-b4c04f4e3332", components.ProductUuid);
        Assert.Null(components.BoardSerial);
        Assert.Equal(["S6PNNM0T987654Z", "ata-Samsung_SSD_860_S3Z9NB0K123456A", "virtio-serial-1"], components.DiskSerials);
        Assert.Equal(["52:54:00:12:34:56"], components.NetworkAdapters);
        Assert.Equal("AMD EPYC 7763 64-Core Processor|2", components.Cpu);
    }

    [Fact]
    public void Unreadable_files_are_skipped()
    {
        Write("etc/machine-id", "3d1219c7c4c5404aaa1f6d2a48adfda4");
        Write("sys/class/dmi/id/board_serial", "CN7016358T0123");
        var board = Path.Combine(_root.FullName, "sys/class/dmi/id/board_serial");
        // Root reads a file whatever its mode, so make the entry a directory: it cannot be read as a file.
        File.Delete(board);
        Directory.CreateDirectory(board);

        var components = new LinuxHardwareSource(_root.FullName).Read();

        Assert.Null(components.BoardSerial);
        Assert.Equal("3d1219c7c4c5404aaa1f6d2a48adfda4", components.MachineId);
    }

    public void Dispose() => _root.Delete(recursive: true);

    private void Write(string relativePath, string content)
    {
        var path = Path.Combine(_root.FullName, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private void Link(string relativePath, string target)
    {
        var path = Path.Combine(_root.FullName, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, target);
    }
}
