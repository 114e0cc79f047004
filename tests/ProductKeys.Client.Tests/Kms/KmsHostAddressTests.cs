using ProductKeys.Client.Kms;

namespace ProductKeys.Client.Tests.Kms;

public sealed class KmsHostAddressTests
{
    [Theory]
    [InlineData("kms.corp.test", "kms.corp.test", 16880, "kms.corp.test:16880")]
    [InlineData("kms.corp.test:1688", "kms.corp.test", 1688, "kms.corp.test:1688")]
    [InlineData(" 127.0.0.1:16881 ", "127.0.0.1", 16881, "127.0.0.1:16881")]
    [InlineData("::1", "::1", 16880, "[::1]:16880")]
    [InlineData("[::1]:9000", "::1", 9000, "[::1]:9000")]
    public void Parses_host_and_optional_port(string text, string host, int port, string shown)
    {
        Assert.True(KmsHostAddress.TryParse(text, out var address));
        Assert.Equal((host, port), (address.Host, address.Port));
        Assert.Equal(shown, address.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("host:notaport")]
    [InlineData("host:70000")]
    [InlineData("host/path")]
    public void Refuses_what_is_not_an_address(string? text)
    {
        Assert.False(KmsHostAddress.TryParse(text, out _));
    }

    [Fact]
    public void The_activate_uri_is_http_on_the_kms_path()
    {
        Assert.True(KmsHostAddress.TryParse("[::1]:9000", out var address));
        Assert.Equal("http://[::1]:9000/kms/v1/activate", address.ActivateUri.ToString());
    }
}
