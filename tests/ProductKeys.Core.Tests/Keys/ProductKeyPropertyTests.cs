using ProductKeys.Core.Keys;

namespace ProductKeys.Core.Tests.Keys;

/// <summary>
/// Property tests over random keys with a fixed seed (reproducible). The typo-detection rates are
/// the numbers quoted in docs/formats/product-key-v1.md.
/// </summary>
public sealed class ProductKeyPropertyTests
{
    private const int Samples = 100_000;
    private static readonly byte[] Secret = Enumerable.Range(7, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void Random_keys_round_trip_through_text()
    {
        var random = new Random(20261127);
        for (var i = 0; i < 20_000; i++)
        {
            var key = RandomKey(random);
            var parsed = ProductKey.Parse(key.ToString());
            Assert.True(parsed.IsSuccess);
            Assert.Equal(key, parsed.Value);
        }
    }

    [Fact]
    public void Every_single_symbol_substitution_is_caught_over_100000_random_keys()
    {
        var random = new Random(1);
        var caught = 0;
        for (var i = 0; i < Samples; i++)
        {
            var symbols = Symbols(RandomKey(random));
            var position = random.Next(ProductKey.SymbolCount);
            var replacement = KeyAlphabet.Symbols[random.Next(KeyAlphabet.Base)];
            if (replacement == symbols[position])
            {
                replacement = KeyAlphabet.Symbols[(KeyAlphabet.Symbols.IndexOf(replacement, StringComparison.Ordinal) + 1) % KeyAlphabet.Base];
            }

            symbols[position] = replacement;
            caught += ProductKey.Parse(new string(symbols)).IsSuccess ? 0 : 1;
        }

        Assert.Equal(Samples, caught);
    }

    [Fact]
    public void Every_adjacent_transposition_of_different_symbols_is_caught_over_100000_random_keys()
    {
        var random = new Random(2);
        var attempts = 0;
        var caught = 0;
        while (attempts < Samples)
        {
            var symbols = Symbols(RandomKey(random));
            var position = random.Next(ProductKey.SymbolCount - 1);
            if (symbols[position] == symbols[position + 1])
            {
                continue;
            }

            (symbols[position], symbols[position + 1]) = (symbols[position + 1], symbols[position]);
            attempts++;
            caught += ProductKey.Parse(new string(symbols)).IsSuccess ? 0 : 1;
        }

        Assert.Equal(Samples, caught);
    }

    [Fact]
    public void Exhaustive_substitutions_of_one_key_are_all_caught()
    {
        var original = Symbols(ProductKey.Derive(KeyType.KmsHost, 999, 4321, Secret));
        for (var position = 0; position < ProductKey.SymbolCount; position++)
        {
            foreach (var symbol in KeyAlphabet.Symbols.Where(s => s != original[position]))
            {
                var typo = (char[])original.Clone();
                typo[position] = symbol;
                Assert.False(ProductKey.Parse(new string(typo)).IsSuccess, $"position {position} → {symbol}");
            }
        }
    }

    private static ProductKey RandomKey(Random random) =>
        ProductKey.Derive((KeyType)random.Next(4), random.Next(ProductKey.MaxGroup + 1), random.Next(ProductKey.MaxSerial + 1), Secret);

    private static char[] Symbols(ProductKey key) => key.ToString().Replace("-", "", StringComparison.Ordinal).ToCharArray();
}
