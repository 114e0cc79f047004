namespace ProductKeys.Data.Catalog;

/// <summary>The next free serial of a key group; advanced with one UPDATE so nodes never share a serial.</summary>
public sealed class KeyGroupCounter
{
    public int KeyGroup { get; set; }

    public int NextSerial { get; set; } = 1;
}
