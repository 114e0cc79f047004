using ProductKeys.Core.Signing;

namespace ProductKeys.Core.Tests.Signing;

public sealed class TrustedKeyTests
{
    // The vectors' publisher key with one byte of its curve's OID changed (1.2.840.10045.3.1.7 became
    // 1.2.840.10045.3.65.7), as AFL wrote it into a license store (fuzz/corpus/license-store/unknown-curve).
    // .NET's import threw PlatformNotSupportedException, which escaped TryFromPem and every caller.
    internal const string UnknownCurvePem = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DQQcDQgAEOOMeAlOqudTEehh/1XlnDeK6X7oV
        GYUvMkNXTInqm0h15J4bgP6KEY1TTW7RfvCazQcCdCsld8wBjW00m2ydPA==
        -----END PUBLIC KEY-----
        """;

    [Fact]
    public void A_public_key_on_an_unknown_curve_is_a_format_error_not_a_crash()
    {
        var found = TrustedKey.TryFromPem(UnknownCurvePem, out var key, out var problem);

        Assert.False(found);
        Assert.Null(key);
        Assert.Contains("curve is unknown", problem, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => TrustedKey.FromPem(UnknownCurvePem));
        Assert.Throws<FormatException>(() => TrustedKeySet.FromPem(UnknownCurvePem));
    }
}
