namespace ProductKeys.Core.Devices;

/// <summary>
/// One component of a <see cref="HardwareId"/>: its kind and the first 8 bytes (big-endian) of the
/// SHA-256 of its normalised value, salted with the product id.
/// </summary>
/// <param name="Kind">Which component this hash stands for.</param>
/// <param name="Hash">The truncated salted hash.</param>
public readonly record struct ComponentHash(HardwareComponentKind Kind, ulong Hash)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind}:{Hash:x16}";
}
