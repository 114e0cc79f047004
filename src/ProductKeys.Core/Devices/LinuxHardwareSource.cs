namespace ProductKeys.Core.Devices;

/// <summary>
/// Reads hardware components on Linux from procfs, sysfs and <c>/etc</c>: machine id, DMI product
/// UUID and board serial (often readable by root only), fixed disks, physical network adapters and
/// the CPU. Unreadable sources are skipped; <see cref="Read"/> never throws.
/// </summary>
public sealed class LinuxHardwareSource : IHardwareSource
{
    private readonly string _root;

    /// <summary>Reads the real file system.</summary>
    public LinuxHardwareSource()
        : this("/")
    {
    }

    /// <summary>Reads a file system tree mounted at <paramref name="rootDirectory"/> (a copy, in tests).</summary>
    public LinuxHardwareSource(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
        _root = rootDirectory;
    }

    /// <inheritdoc />
    public HardwareComponents Read() => new()
    {
        MachineId = SafeFile.ReadTrimmed(At("etc/machine-id")) ?? SafeFile.ReadTrimmed(At("var/lib/dbus/machine-id")),
        ProductUuid = SafeFile.ReadTrimmed(At("sys/class/dmi/id/product_uuid")),
        BoardSerial = SafeFile.ReadTrimmed(At("sys/class/dmi/id/board_serial")),
        DiskSerials = LinuxDisks.Read(At("sys/block"), At("dev/disk/by-id")),
        NetworkAdapters = LinuxNetworkAdapters.Read(At("sys/class/net")),
        Cpu = ReadCpu(),
    };

    private string At(string relativePath) => Path.Combine(_root, relativePath);

    /// <summary>First model line and the number of logical processors listed (not the cgroup-limited count).</summary>
    private string? ReadCpu()
    {
        string? model = null;
        string? armImplementer = null;
        string? armPart = null;
        var processors = 0;
        foreach (var line in SafeFile.ReadLines(At("proc/cpuinfo")))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "processor":
                    processors++;
                    break;
                case "model name" or "cpu model" or "Hardware" when model is null && value.Length > 0:
                    model = value;
                    break;
                case "CPU implementer":
                    armImplementer ??= value;
                    break;
                case "CPU part":
                    armPart ??= value;
                    break;
                default:
                    break;
            }
        }

        model ??= armImplementer is null ? null : $"ARM {armImplementer} {armPart}";
        return model is null && processors == 0 ? null : $"{model}|{processors}";
    }
}
