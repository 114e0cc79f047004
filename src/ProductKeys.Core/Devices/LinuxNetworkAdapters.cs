namespace ProductKeys.Core.Devices;

/// <summary>MAC addresses of physical network adapters from <c>/sys/class/net</c>.</summary>
internal static class LinuxNetworkAdapters
{
    /// <summary>Virtual interfaces, in case one has a <c>device</c> link after all.</summary>
    private static readonly string[] VirtualPrefixes =
        ["docker", "veth", "br-", "virbr", "vnet", "tap", "tun", "wg", "cni", "flannel", "cali", "vxlan", "tailscale", "zt"];

    internal static IReadOnlyList<string> Read(string sysClassNet)
    {
        var addresses = new List<string>();
        foreach (var name in SafeFile.EntryNames(sysClassNet))
        {
            var folder = Path.Combine(sysClassNet, name);
            // Only physical adapters have a 'device' link; loopback, bridges, veth and tunnels do not.
            if (name == "lo" || VirtualPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal))
                || !SafeFile.Exists(Path.Combine(folder, "device")))
            {
                continue;
            }

            // addr_assign_type 1 = random, 2 = stolen from another device: neither is this adapter's own.
            if (SafeFile.ReadTrimmed(Path.Combine(folder, "addr_assign_type")) is "1" or "2")
            {
                continue;
            }

            if (SafeFile.ReadTrimmed(Path.Combine(folder, "address")) is { } address)
            {
                addresses.Add(address);
            }
        }

        return addresses;
    }
}
