using System.CommandLine;
using ProductKeys.Cli.Output;

namespace ProductKeys.Cli.Device;

/// <summary>The options every device command takes (docs/product.md §9); the store remembers them.</summary>
internal sealed class DeviceOptions
{
    public Option<string?> Product { get; } = new("--product") { Description = "The product id (remembered in the store)." };

    public Option<string?> Store { get; } = new("--store") { Description = "License store folder (default: per machine and product)." };

    public Option<string?> DeviceId { get; } = new("--device-id") { Description = "Operator-supplied stable device id instead of hardware components (containers, VMs)." };

    public Option<string?> Service { get; } = new("--service") { Description = "Licensing service URL (remembered in the store)." };

    public Option<FileInfo?> Trust { get; } = new("--trust") { Description = "PEM file of publisher public keys to pin in this store (see also the trust directory, /etc/productkeys/trust/)." };

    public Option<bool> TrustOnFirstUse { get; } = new("--trust-on-first-use") { Description = "If this device trusts no publisher key, pin the keys the service publishes now and print their fingerprints." };

    /// <summary>How the device trusts servers' TLS certificates (remembered in the store when given).</summary>
    public TlsClientOptions Tls { get; } = new();

    public void AddTo(Command command)
    {
        Tls.AddTo(command);
        command.Options.Add(Product);
        command.Options.Add(Store);
        command.Options.Add(DeviceId);
        command.Options.Add(Service);
        command.Options.Add(Trust);
        command.Options.Add(TrustOnFirstUse);
    }
}
