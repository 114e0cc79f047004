namespace ProductKeys.Hosting.Tests;

/// <summary>Which Content-Type headers name a charset the servers cannot decode (415), on the fast path and the parsed one alike.</summary>
public sealed class RequestCharsetTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("APPLICATION/JSON; CHARSET=UTF-8")]
    [InlineData("application/json;charset=utf-8")]
    [InlineData("application/json; charset=\"utf-8\"")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/json; x-charset=foo")]
    [InlineData("not a media type; charset=foo")]
    public void Decodable_or_absent_charsets_pass(string? contentType) => Assert.Null(RequestCharset.Unknown(contentType));

    [Theory]
    [InlineData("application/json; charset=foo", "foo")]
    [InlineData("application/json;charset=FOO", "FOO")]
    [InlineData("application/json; Charset=\"utf-7\"", "utf-7")]
    [InlineData("application/json; charset=", "")]
    [InlineData("text/plain; format=flowed; charset=x-unknown", "x-unknown")]
    public void Charsets_that_cannot_be_decoded_are_named(string contentType, string charset) => Assert.Equal(charset, RequestCharset.Unknown(contentType));

    [Theory]
    [InlineData("application/json; charset=\"utf-8\"", "application/json; charset=utf-8")]
    [InlineData("application/json; Charset=\"ISO-8859-1\"; x=1", "application/json; charset=iso-8859-1")]
    public void A_quoted_charset_is_given_unquoted(string contentType, string expected) => Assert.Equal(expected, RequestCharset.Unquoted(contentType));

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=\"foo\"")]
    [InlineData("application/json; x=\"y\"")]
    public void Unquoted_or_undecodable_charsets_are_left_alone(string? contentType) => Assert.Null(RequestCharset.Unquoted(contentType));
}
