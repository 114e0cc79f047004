using System.Collections.Immutable;
using ProductKeys.Core.Errors;

namespace ProductKeys.Core.Devices;

/// <summary>
/// A device's identity as one product sees it (docs/product.md §3, docs/formats/hardware-id-v1.md): salted,
/// truncated hashes of its hardware components, or of an operator-supplied device ID. Only these
/// hashes ever leave the device. Text form: <c>hw1.</c> + base64url of a canonical binary layout,
/// so two IDs are equal exactly when their texts are.
/// </summary>
public readonly record struct HardwareId
{
    /// <summary>The prefix of the v1 text form.</summary>
    public const string TextPrefix = HardwareIdFormat.Prefix;

    /// <summary>Longest product id or device ID accepted, in characters.</summary>
    public const int MaxIdentifierLength = 256;

    private readonly ImmutableArray<ComponentHash> _components;
    private readonly string? _text;

    private HardwareId(ComponentHash[] sortedComponents)
    {
        _components = [.. sortedComponents];
        _text = HardwareIdFormat.Encode(sortedComponents);
    }

    /// <summary>The component hashes, by kind and then by hash; empty for <c>default</c>.</summary>
    public ImmutableArray<ComponentHash> Components => _components.IsDefault ? [] : _components;

    /// <summary>True for <c>default(HardwareId)</c>, which matches no device.</summary>
    public bool IsEmpty => _components.IsDefaultOrEmpty;

    /// <summary>True when this ID was built from an operator-supplied device ID.</summary>
    public bool IsDeviceId => Components is [{ Kind: HardwareComponentKind.DeviceId }];

    /// <summary>
    /// True when a certificate may bind to this ID: an operator device ID, or hardware components that include the machine
    /// ID (docs/formats/hardware-id-v1.md, "What an activation may bind to"). A kind the activated ID leaves out does not
    /// vote, so an ID made of nothing but disks and adapters, 16 of each from 16 machines, matched every one of them; the
    /// machine ID, which every user can read, votes against all but one.
    /// </summary>
    public bool NamesOneDevice => IsDeviceId || Components.Any(c => c.Kind == HardwareComponentKind.MachineId);

    /// <summary>
    /// <c>VALIDATION_FAILED</c> when this ID does not <see cref="NamesOneDevice"/>, else <c>null</c>: what the licensing service answers,
    /// and what a device says before it asks (online or in an offline request).
    /// </summary>
    public Refusal? BindingRefusal() => NamesOneDevice ? null : new Refusal(ErrorCatalogue.ValidationFailed,
        "This device's hardware ID has no machine ID, so it cannot tell this device from others: activate it with an operator device ID "
        + "(--device-id, or the product's DeviceId), or give the device a machine ID (/etc/machine-id).");

    /// <summary>
    /// Hashes the components read on a device for one product. Multi-valued components keep one hash
    /// per distinct value (at most 16 per kind: the smallest hashes).
    /// </summary>
    /// <returns>The ID, or <c>VALIDATION_FAILED</c> for a bad product id or when no component has a value.</returns>
    public static Outcome<HardwareId> Create(HardwareComponents components, string productId)
    {
        ArgumentNullException.ThrowIfNull(components);
        if (CheckIdentifier(productId, "product id") is { } refusal)
        {
            return refusal;
        }

        var hashes = new List<ComponentHash>();
        AddSingle(hashes, HardwareComponentKind.MachineId, components.MachineId, productId);
        AddSingle(hashes, HardwareComponentKind.ProductUuid, components.ProductUuid, productId);
        AddSingle(hashes, HardwareComponentKind.BoardSerial, components.BoardSerial, productId);
        AddMany(hashes, HardwareComponentKind.Disk, components.DiskSerials, productId);
        AddMany(hashes, HardwareComponentKind.NetworkAdapter, components.NetworkAdapters, productId);
        AddSingle(hashes, HardwareComponentKind.Cpu, components.Cpu, productId);
        if (hashes.Count == 0)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed,
                "No hardware component could be read on this device: supply a stable device ID with --device-id.");
        }

        return new HardwareId([.. hashes]);
    }

    /// <summary>
    /// The ID of an operator-supplied stable device ID (<c>--device-id</c>, for containers and VMs),
    /// salted per product. Case-insensitive; surrounding white space is ignored. It matches only itself.
    /// </summary>
    /// <returns>The ID, or <c>VALIDATION_FAILED</c> for an empty, too long or control-character device ID or product id.</returns>
    public static Outcome<HardwareId> FromDeviceId(string? deviceId, string productId)
    {
        if (CheckIdentifier(productId, "product id") is { } badProduct)
        {
            return badProduct;
        }

        if (CheckIdentifier(deviceId, "device ID") is { } badDevice)
        {
            return badDevice;
        }

        if (ComponentHasher.Normalize(deviceId) is not { } normalized)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed,
                $"The device ID '{deviceId}' is a placeholder value: choose an ID unique to this device.");
        }

        return new HardwareId([new ComponentHash(HardwareComponentKind.DeviceId, ComponentHasher.Hash(HardwareComponentKind.DeviceId, productId, normalized))]);
    }

    /// <summary>Parses the text form; never throws.</summary>
    /// <returns>The ID, or <c>VALIDATION_FAILED</c> saying what is wrong with the text.</returns>
    public static Outcome<HardwareId> Parse(string? text)
    {
        var decoded = HardwareIdFormat.Decode(text);
        return decoded.IsSuccess ? new HardwareId(decoded.Value) : decoded.Refusal;
    }

    /// <summary>Parses the text form without the refusal detail.</summary>
    public static bool TryParse(string? text, out HardwareId id)
    {
        var outcome = Parse(text);
        id = outcome.IsSuccess ? outcome.Value : default;
        return outcome.IsSuccess;
    }

    /// <summary>
    /// Compares the ID a device was activated with to its current one, by the rule of
    /// <see cref="HardwareTolerance"/>. Both must be for the same product: IDs of different
    /// products share no hash and never match.
    /// </summary>
    public static HardwareMatch Compare(HardwareId activated, HardwareId current) =>
        HardwareTolerance.Compare(activated.Components.AsSpan(), current.Components.AsSpan());

    /// <summary>Equal when the canonical texts are equal.</summary>
    public bool Equals(HardwareId other) => string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => _text is null ? 0 : StringComparer.Ordinal.GetHashCode(_text);

    /// <summary>The text form, e.g. <c>hw1.AQEB…</c>; empty for <c>default</c>.</summary>
    public override string ToString() => _text ?? string.Empty;

    private static Refusal? CheckIdentifier(string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"The {what} is empty.");
        }

        if (value.Length > MaxIdentifierLength)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"The {what} is longer than {MaxIdentifierLength} characters.");
        }

        return value.Any(char.IsControl)
            ? new Refusal(ErrorCatalogue.ValidationFailed, $"The {what} contains control characters.")
            : null;
    }

    private static void AddSingle(List<ComponentHash> hashes, HardwareComponentKind kind, string? value, string productId)
    {
        if (ComponentHasher.Normalize(value) is { } normalized)
        {
            hashes.Add(new ComponentHash(kind, ComponentHasher.Hash(kind, productId, normalized)));
        }
    }

    private static void AddMany(List<ComponentHash> hashes, HardwareComponentKind kind, IReadOnlyList<string>? values, string productId)
    {
        var distinct = new SortedSet<ulong>();
        foreach (var value in values ?? [])
        {
            if (ComponentHasher.Normalize(value) is { } normalized)
            {
                distinct.Add(ComponentHasher.Hash(kind, productId, normalized));
            }
        }

        // Sorted ascending, so keeping the first ones is deterministic whatever order the disks were listed in.
        hashes.AddRange(distinct.Take(HardwareIdFormat.MaxHashesPerKind).Select(h => new ComponentHash(kind, h)));
    }
}
