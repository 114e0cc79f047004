using System.Net;
using ProductKeys.Service.Portal;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Portal;

/// <summary>
/// The portal's sign-in form is not JSON, so the API's string rule does not guard it: a user name holding a NUL (which
/// PostgreSQL cannot compare) or half a surrogate pair is refused like any wrong input, never a failure, and no session is made.
/// </summary>
public abstract class SignInFormInputTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    [Theory]
    [InlineData("a\0b")]
    [InlineData("owner\ud800")]
    public async Task A_name_no_user_can_have_is_a_wrong_name_not_a_failure(string user)
    {
        var node = new Uri(fixture.App.Urls.First());
        var form = await PortalForm.RenderAsync(node, PortalPaths.Home, "/portal/sign-in");

        using var answer = await form.PostAsync(node, ("user", user), ("password", TestWorld.Password));

        // A NUL stops the form from being read at all (the page-expired page, 400); a replaced surrogate is a wrong name (401).
        Assert.True(answer.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, answer.StatusCode.ToString());
        var page = await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(page.Contains("Wrong user name or password", StringComparison.Ordinal) || page.Contains("This page expired", StringComparison.Ordinal), page);
        Assert.Null(PortalForm.SessionFrom(answer));
    }
}

public sealed class SqliteSignInFormInputTests(SqliteFixture fixture) : SignInFormInputTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresSignInFormInputTests(PostgresFixture fixture) : SignInFormInputTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
