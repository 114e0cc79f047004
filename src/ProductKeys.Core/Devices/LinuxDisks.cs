namespace ProductKeys.Core.Devices;

/// <summary>Serials of fixed disks from sysfs, else their stable <c>/dev/disk/by-id</c> name.</summary>
internal static class LinuxDisks
{
    /// <summary>Block devices that are not disks of their own: loop, RAM, compressed RAM, device mapper, RAID, optical, floppy, network.</summary>
    private static readonly string[] SkippedDevices = ["loop", "ram", "zram", "dm-", "md", "sr", "fd", "nbd"];

    /// <summary>by-id names that repeat another name of the same disk, or name removable or virtual devices.</summary>
    private static readonly string[] SkippedByIdNames = ["wwn-", "nvme-eui.", "nvme-nvme.", "dm-", "lvm-", "md-", "usb-"];

    internal static IReadOnlyList<string> Read(string sysBlock, string devDiskById)
    {
        var byId = ByIdNames(devDiskById);
        var serials = new List<string>();
        foreach (var device in SafeFile.EntryNames(sysBlock))
        {
            if (StartsWithAny(device, SkippedDevices) || SafeFile.ReadTrimmed(Path.Combine(sysBlock, device, "removable")) == "1")
            {
                continue;
            }

            var serial = SafeFile.ReadTrimmed(Path.Combine(sysBlock, device, "device", "serial"))
                ?? SafeFile.ReadTrimmed(Path.Combine(sysBlock, device, "serial"))
                ?? byId.GetValueOrDefault(device);
            if (serial is not null)
            {
                serials.Add(serial);
            }
        }

        return serials;
    }

    /// <summary>Whole-disk device name → its first by-id name (ordinal order, so the choice is stable).</summary>
    private static Dictionary<string, string> ByIdNames(string devDiskById)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in SafeFile.EntryNames(devDiskById))
        {
            if (name.Contains("-part", StringComparison.Ordinal) || StartsWithAny(name, SkippedByIdNames))
            {
                continue;
            }

            if (SafeFile.LinkTargetName(Path.Combine(devDiskById, name)) is { } device)
            {
                names.TryAdd(device, name);
            }
        }

        return names;
    }

    private static bool StartsWithAny(string name, string[] prefixes) =>
        prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));
}
