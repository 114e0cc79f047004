namespace ProductKeys.Core.Keys;

/// <summary>The 24 symbols of a product key (docs/product.md §7): no vowels, no look-alikes.</summary>
internal static class KeyAlphabet
{
    public const string Symbols = "BCDFGHJKMPQRTVWXY2346789";

    public const int Base = 24;

    private static readonly sbyte[] DigitOf = BuildDigitTable();

    /// <summary>The digit of an ASCII character (either case), or -1 when it is not a key symbol.</summary>
    public static int Digit(char c) => c < 128 ? DigitOf[c] : -1;

    private static sbyte[] BuildDigitTable()
    {
        var table = new sbyte[128];
        Array.Fill(table, (sbyte)-1);
        for (var i = 0; i < Symbols.Length; i++)
        {
            table[Symbols[i]] = (sbyte)i;
            table[char.ToLowerInvariant(Symbols[i])] = (sbyte)i;
        }

        return table;
    }
}
