using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Api;

/// <summary>
/// A charset in quotes is the same charset (RFC 9110 §5.6.6): <c>charset="utf-8"</c> reads as UTF-8. Found by a
/// hostile review: it answered 500 INTERNAL_ERROR, to anyone (signing in too), with a stack trace in the log.
/// </summary>
public abstract class QuotedCharsetTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    [Theory]
    [InlineData("\"utf-8\"", "utf-8")]
    [InlineData("\"UTF-8\"", "utf-8")]
    [InlineData("\"iso-8859-1\"", "iso-8859-1")]
    public async Task An_order_whose_charset_is_quoted_is_placed(string charset, string encoding)
    {
        var before = await fixture.WithDbAsync(db => db.Orders.CountAsync());
        var content = new ByteArrayContent(Encoding.GetEncoding(encoding).GetBytes($"{{\"product\": \"{TestWorld.Desktop}\", \"quantity\": 1}}"));
        content.Headers.TryAddWithoutValidation("Content-Type", $"application/json; charset={charset}");

        var response = await fixture.SendAsync(TestWorld.Owner, HttpMethod.Post, $"/api/v1/billing-accounts/{fixture.World.AccountA}/orders", content);

        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await Problems.CodeAsync(response)}");
        Assert.Equal(before + 1, await fixture.WithDbAsync(db => db.Orders.CountAsync()));
    }

    [Fact]
    public async Task A_sign_in_whose_charset_is_quoted_is_answered_with_a_code()
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"user\": \"nobody-at-all\", \"password\": \"not-the-password\"}"));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=\"utf-8\"");

        var response = await fixture.SendAsync(null, HttpMethod.Post, "/api/v1/sessions", content);

        await Problems.AssertAsync(response, HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
    }

    [Fact]
    public async Task A_quoted_charset_that_cannot_be_decoded_is_still_415()
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{}"));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=\"foo\"");

        var response = await fixture.SendAsync(null, HttpMethod.Post, "/api/v1/sessions", content);

        await Problems.AssertAsync(response, HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
    }
}

public sealed class SqliteQuotedCharsetTests(SqliteFixture fixture) : QuotedCharsetTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresQuotedCharsetTests(PostgresFixture fixture) : QuotedCharsetTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
