using ProductKeys.Core.Keys;

namespace ProductKeys.Fuzz.Harnesses;

/// <summary>
/// A product key as a person types it (docs/formats/product-key-v1.md): anything must parse or be
/// refused with KEY_MALFORMED or KEY_CHECKSUM, and a key that parses must read back as itself.
/// </summary>
internal static class KeyParserHarness
{
    private static readonly byte[] GroupSecret = new byte[32];

    public static void Run(byte[] input)
    {
        var text = FuzzInput.Text(input);
        var parsed = ProductKey.Parse(text);
        FuzzInput.Require(ProductKey.TryParse(text, out var tried) == parsed.IsSuccess, "TryParse agrees with Parse");
        if (!parsed.IsSuccess)
        {
            FuzzInput.Require(parsed.Refusal.Code is "KEY_MALFORMED" or "KEY_CHECKSUM", $"a bad key is KEY_MALFORMED or KEY_CHECKSUM, not {parsed.Refusal.Code}");
            return;
        }

        var key = parsed.Value;
        FuzzInput.Require(tried == key, "TryParse gives the same key");
        var formatted = key.ToString();
        var again = ProductKey.Parse(formatted);
        FuzzInput.Require(again.IsSuccess && again.Value == key, $"a parsed key reads back as itself ({formatted})");
        FuzzInput.Require(formatted.EndsWith(key.PartialKey, StringComparison.Ordinal), "the partial key is the key's last five characters");
        _ = key.HasValidSecurityValue(GroupSecret);
    }
}
