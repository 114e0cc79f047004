using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;

namespace ProductKeys.Core.Tests.Keys;

public sealed class ProductKeyParseTests
{
    private static readonly byte[] Secret = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
    private static readonly string Sample = ProductKey.Derive(KeyType.Mak, 12, 34, Secret).ToString();

    [Theory]
    [InlineData('0')]
    [InlineData('O')]
    [InlineData('1')]
    [InlineData('I')]
    [InlineData('L')]
    [InlineData('5')]
    [InlineData('S')]
    [InlineData('A')]
    [InlineData('E')]
    [InlineData('U')]
    [InlineData('Z')]
    [InlineData('é')]
    public void Look_alike_and_vowel_characters_are_malformed_with_their_position(char bad)
    {
        var text = Sample[..7] + bad + Sample[8..];
        var parsed = ProductKey.Parse(text);
        Assert.False(parsed.IsSuccess);
        Assert.Equal(ErrorCatalogue.KeyMalformed, parsed.Refusal.Error);
        Assert.Contains("position 8", parsed.Refusal.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("-----")]
    [InlineData("BCDFG")]
    public void Short_or_empty_input_is_malformed(string? text)
    {
        var parsed = ProductKey.Parse(text);
        Assert.Equal("KEY_MALFORMED", parsed.Refusal?.Code);
    }

    [Fact]
    public void A_very_long_input_is_refused_at_the_26th_symbol_without_reading_further()
    {
        var parsed = ProductKey.Parse(Sample + new string('B', 1_000_000));
        Assert.Equal("KEY_MALFORMED", parsed.Refusal?.Code);
        Assert.Contains("Too many characters", parsed.Refusal!.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void A_list_of_keys_one_per_line_is_malformed_naming_the_line_break(string lineBreak)
    {
        // What $(pk keys list --field key --where type=Mak) holds once an account has more than one MAK of a product.
        var parsed = ProductKey.Parse(Sample + lineBreak + Sample);
        Assert.Equal("KEY_MALFORMED", parsed.Refusal?.Code);
        Assert.StartsWith($"A line break at position {Sample.Length + 1}: give one key on one line", parsed.Refusal!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Partial_key_is_the_last_five_characters()
    {
        var key = ProductKey.Parse(Sample).Value;
        Assert.Equal(Sample[^5..], key.PartialKey);
    }

    [Fact]
    public void Derive_rejects_fields_outside_their_bit_widths()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ProductKey.Derive(KeyType.Mak, ProductKey.MaxGroup + 1, 0, Secret));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProductKey.Derive(KeyType.Mak, 0, -1, Secret));
    }

    [Fact]
    public void A_key_is_valid_only_under_its_own_group_secret()
    {
        var key = ProductKey.Parse(Sample).Value;
        Assert.True(key.HasValidSecurityValue(Secret));
        Assert.False(key.HasValidSecurityValue(new byte[32]));
    }
}
