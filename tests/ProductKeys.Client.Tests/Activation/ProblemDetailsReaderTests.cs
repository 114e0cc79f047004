using System.Net;
using System.Text;
using ProductKeys.Client.Activation;
using ProductKeys.Core.Errors;

namespace ProductKeys.Client.Tests.Activation;

/// <summary>
/// The one reader pk and the client library share: every kind of error answer, and the code (hence
/// exit code) it becomes. Expected codes are written out, not computed from the catalogue.
/// </summary>
public sealed class ProblemDetailsReaderTests
{
    private const string Problem = "application/problem+json";

    public static TheoryData<int, string, string, string> Answers => new()
    {
        // A problem with a known code is that refusal, whatever the status says.
        { 409, Problem, """{"status":409,"code":"MAK_LIMIT_REACHED","detail":"7 of 7 used."}""", "MAK_LIMIT_REACHED" },
        { 400, Problem, """{"code":"KEY_CHECKSUM"}""", "KEY_CHECKSUM" },
        { 403, Problem, """{"code":"FORBIDDEN_NOT_BILLING_ADMIN","detail":"x"}""", "FORBIDDEN_NOT_BILLING_ADMIN" },
        { 401, Problem, """{"code":"UNAUTHENTICATED"}""", "UNAUTHENTICATED" },
        { 500, Problem, """{"code":"INTERNAL_ERROR"}""", "INTERNAL_ERROR" },
        // A code this version does not know: the catalogue's entry for the status.
        { 400, Problem, """{"code":"SOMETHING_NEW","detail":"d"}""", "VALIDATION_FAILED" },
        { 403, Problem, """{"code":"SOMETHING_NEW"}""", "FORBIDDEN" },
        { 404, Problem, """{"code":"SOMETHING_NEW"}""", "NOT_FOUND" },
        { 409, Problem, """{"code":"SOMETHING_NEW"}""", "CONFLICT" },
        { 502, Problem, """{"code":"SOMETHING_NEW"}""", "SERVICE_UNAVAILABLE" },
        // No code: not a ProductKeys answer.
        { 502, "text/html", "<html>Bad Gateway</html>", "SERVICE_UNAVAILABLE" },
        { 503, "text/plain", "", "SERVICE_UNAVAILABLE" },
        { 500, "application/json", """{"error":"boom"}""", "SERVICE_UNAVAILABLE" },
        { 429, "text/plain", "slow down", "RATE_LIMITED" },
        { 404, "text/html", "<html>Not Found</html>", "SERVICE_UNREACHABLE" },
        { 400, Problem, """{"title":"Bad Request","status":400}""", "SERVICE_UNREACHABLE" },
        { 401, "text/plain", "", "SERVICE_UNREACHABLE" },
        { 400, "application/json", "[1,2]", "SERVICE_UNREACHABLE" },
        { 400, Problem, """{"code":42}""", "SERVICE_UNREACHABLE" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Each_answer_becomes_one_refusal(int status, string mediaType, string body, string code)
    {
        using var response = Answer(status, mediaType, body);

        var refusal = await ProblemDetailsReader.ReadRefusalAsync(response, TestContext.Current.CancellationToken);

        Assert.Equal(code, refusal.Code);
        Assert.Same(ErrorCatalogue.Find(code), refusal.Error);
        Assert.False(string.IsNullOrWhiteSpace(refusal.Detail));
    }

    [Fact]
    public async Task The_services_detail_is_kept_and_an_unknown_code_is_named()
    {
        using var known = Answer(409, Problem, """{"code":"MAK_LIMIT_REACHED","detail":"7 of 7 used."}""");
        using var unknown = Answer(400, Problem, """{"code":"SOMETHING_NEW","detail":"why"}""");

        Assert.Equal("7 of 7 used.", (await ProblemDetailsReader.ReadRefusalAsync(known, TestContext.Current.CancellationToken)).Detail);
        var refusal = await ProblemDetailsReader.ReadRefusalAsync(unknown, TestContext.Current.CancellationToken);
        Assert.Contains("SOMETHING_NEW", refusal.Detail, StringComparison.Ordinal);
        Assert.Contains("why", refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void No_answer_at_all_is_SERVICE_UNREACHABLE_naming_the_service()
    {
        var refusal = ProblemDetailsReader.Unreachable(new Uri("http://licensing.example:8080/api/v1/activations"), "Connection refused");

        Assert.Equal("SERVICE_UNREACHABLE", refusal.Code);
        Assert.Contains("http://licensing.example:8080", refusal.Detail, StringComparison.Ordinal);
        Assert.Contains("Connection refused", refusal.Detail, StringComparison.Ordinal);
    }

    private static HttpResponseMessage Answer(int status, string mediaType, string body) => new((HttpStatusCode)status)
    {
        Content = new StringContent(body, Encoding.UTF8, mediaType),
        RequestMessage = new HttpRequestMessage(HttpMethod.Post, "http://licensing.example:8080/api/v1/activations"),
    };
}
