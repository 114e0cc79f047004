using System.Text.Json;
using ProductKeys.Core.Keys;

namespace ProductKeys.Core.Tests.Keys;

/// <summary>The codec agrees with the independent Python reference (docs/formats/product-key-v1-reference.py).</summary>
public sealed class ProductKeyVectorTests
{
    private static readonly JsonElement Vectors = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "product-key-v1.json"))).RootElement;

    private static readonly byte[] Secret = Convert.FromHexString(Vectors.GetProperty("groupSecretHex").GetString()!);

    [Fact]
    public void Derives_every_valid_vector_exactly()
    {
        var valid = Vectors.GetProperty("valid").EnumerateArray().ToList();
        Assert.Equal(20, valid.Count);
        foreach (var v in valid)
        {
            var type = Enum.Parse<KeyType>(v.GetProperty("type").GetString()!);
            var key = ProductKey.Derive(type, v.GetProperty("group").GetInt32(), v.GetProperty("serial").GetInt32(), Secret);
            Assert.Equal(v.GetProperty("key").GetString(), key.ToString());
            Assert.Equal(v.GetProperty("securityValue").GetUInt64(), key.SecurityValue);
            Assert.Equal(v.GetProperty("checksum").GetInt32(), key.Checksum);
        }
    }

    [Fact]
    public void Parses_every_valid_vector_back_to_its_fields()
    {
        foreach (var v in Vectors.GetProperty("valid").EnumerateArray())
        {
            var parsed = ProductKey.Parse(v.GetProperty("key").GetString());
            Assert.True(parsed.IsSuccess, parsed.Refusal?.ToString());
            Assert.Equal(Enum.Parse<KeyType>(v.GetProperty("type").GetString()!), parsed.Value.Type);
            Assert.Equal(v.GetProperty("group").GetInt32(), parsed.Value.Group);
            Assert.Equal(v.GetProperty("serial").GetInt32(), parsed.Value.Serial);
            Assert.True(parsed.Value.HasValidSecurityValue(Secret));
        }
    }

    [Fact]
    public void Refuses_every_invalid_vector_with_its_code()
    {
        foreach (var v in Vectors.GetProperty("invalid").EnumerateArray())
        {
            var parsed = ProductKey.Parse(v.GetProperty("input").GetString());
            Assert.False(parsed.IsSuccess, v.GetProperty("why").GetString());
            Assert.Equal(v.GetProperty("code").GetString(), parsed.Refusal.Code);
        }
    }

    [Fact]
    public void Reads_equivalent_spellings_as_the_same_key()
    {
        foreach (var v in Vectors.GetProperty("equivalent").EnumerateArray())
        {
            var parsed = ProductKey.Parse(v.GetProperty("input").GetString());
            Assert.True(parsed.IsSuccess, v.GetProperty("why").GetString());
            Assert.Equal(v.GetProperty("key").GetString(), parsed.Value.ToString());
        }
    }

    [Fact]
    public void Forged_key_parses_but_fails_the_security_value()
    {
        foreach (var v in Vectors.GetProperty("forged").EnumerateArray())
        {
            var parsed = ProductKey.Parse(v.GetProperty("key").GetString());
            Assert.True(parsed.IsSuccess);
            Assert.False(parsed.Value.HasValidSecurityValue(Secret));
        }
    }
}
