using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ProductKeys.Core.Tls;

namespace ProductKeys.Core.Tests.Tls;

public sealed class TlsPinTests
{
    [Fact]
    public void The_pin_is_the_base64_SHA256_of_the_DER_public_key_as_curl_and_openssl_compute_it()
    {
        var certificate = ServerCertificate.CreateSelfSigned([], TimeProvider.System).Leaf;
        using var key = certificate.GetECDsaPublicKey()!;

        // openssl x509 -pubkey | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(key.ExportSubjectPublicKeyInfo())), TlsPin.Of(certificate));
    }

    [Theory]
    [InlineData("yrRoIboUKMYy12Y4LVMVmW+Q1Gx/MTv3mnpgNUArIcI=", true)]
    [InlineData("sha256//yrRoIboUKMYy12Y4LVMVmW+Q1Gx/MTv3mnpgNUArIcI=", true)]
    [InlineData("  yrRoIboUKMYy12Y4LVMVmW+Q1Gx/MTv3mnpgNUArIcI=  ", true)]
    [InlineData("yrRoIboUKMYy12Y4LVMVmW+Q1Gx/MTv3mnpgNUArIc=", false)]
    [InlineData("ca:b4:68:21", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_pin_is_44_characters_of_base64_for_32_bytes(string? text, bool valid)
    {
        Assert.Equal(valid, TlsPin.TryParse(text, out var pin));
        if (valid)
        {
            Assert.Equal("yrRoIboUKMYy12Y4LVMVmW+Q1Gx/MTv3mnpgNUArIcI=", pin);
        }
    }
}
