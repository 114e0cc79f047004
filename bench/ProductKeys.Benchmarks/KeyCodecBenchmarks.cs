using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using ProductKeys.Core.Keys;

namespace ProductKeys.Benchmarks;

/// <summary>
/// Key parse, format and full validation, next to the floor measured in the same run: one raw
/// HMAC-SHA256 of 16 bytes (the security value's own cost). Target: validation ≥ 0.5× the floor's rate.
/// </summary>
[MemoryDiagnoser]
public class KeyCodecBenchmarks
{
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _message = RandomNumberGenerator.GetBytes(16);
    private readonly byte[] _mac = new byte[32];
    private string _text = "";
    private ProductKey _key;

    [GlobalSetup]
    public void Setup()
    {
        _key = ProductKey.Derive(KeyType.Mak, 4242, 123_456, _secret);
        _text = _key.ToString();
    }

    [Benchmark(Baseline = true, Description = "floor: raw HMAC-SHA256 of 16 bytes")]
    public int RawHmac() => HMACSHA256.HashData(_secret, _message, _mac);

    [Benchmark(Description = "parse (format + checksum)")]
    public bool Parse() => ProductKey.Parse(_text).IsSuccess;

    [Benchmark(Description = "format (ToString)")]
    public string Format() => _key.ToString();

    [Benchmark(Description = "full validation (parse + HMAC security value)")]
    public bool FullValidation()
    {
        var parsed = ProductKey.Parse(_text);
        return parsed.IsSuccess && parsed.Value.HasValidSecurityValue(_secret);
    }
}
