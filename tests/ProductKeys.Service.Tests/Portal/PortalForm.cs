using System.Net;
using System.Text.RegularExpressions;

namespace ProductKeys.Service.Tests.Portal;

/// <summary>
/// A portal form as a browser holds it: the page's antiforgery field and the antiforgery cookie (and the
/// session cookie when signed in), fetched from one node and sent to whichever node the caller names.
/// </summary>
internal sealed partial record PortalForm(string Action, string Token, string Cookies, bool Https = false)
{
    public const string FieldName = "__pk_antiforgery";
    public const string AntiforgeryCookie = "pk_antiforgery";
    public const string SecureAntiforgeryCookie = "__Host-pk_antiforgery";
    public const string SessionCookie = "pk_portal";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// GETs <paramref name="path"/> from <paramref name="node"/> and keeps the form posting to <paramref name="action"/>;
    /// with <paramref name="https"/> as a balancer that ended TLS says it (X-Forwarded-Proto from loopback, a known proxy).
    /// </summary>
    public static async Task<PortalForm> RenderAsync(Uri node, string path, string action, string? session = null, bool https = false)
    {
        using var client = NewClient(node);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (https)
        {
            request.Headers.Add("X-Forwarded-Proto", "https");
        }

        if (session is not null)
        {
            request.Headers.Add("Cookie", $"{SessionCookie}={session}");
        }

        using var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Ct);
        var form = FormPostingTo(action).Match(html);
        Assert.True(form.Success, $"{path} has no form posting to {action}.");
        var token = Field().Match(form.Value);
        Assert.True(token.Success, $"The form posting to {action} carries no {FieldName}.");
        // Over HTTPS the antiforgery cookie is __Host-prefixed, as the session cookie is.
        var name = https ? SecureAntiforgeryCookie : AntiforgeryCookie;
        var cookie = response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith(name + "=", StringComparison.Ordinal));
        return new PortalForm(action, token.Groups[1].Value, session is null ? cookie : $"{cookie}; {SessionCookie}={session}", https);
    }

    /// <summary>POSTs the form, with <paramref name="fields"/>, to <paramref name="node"/>; redirects are not followed.</summary>
    public async Task<HttpResponseMessage> PostAsync(Uri node, params (string Name, string Value)[] fields)
    {
        using var client = NewClient(node);
        using var request = new HttpRequestMessage(HttpMethod.Post, Action)
        {
            Content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)).Append(KeyValuePair.Create(FieldName, Token))),
        };
        request.Headers.Add("Cookie", Cookies);
        if (Https)
        {
            request.Headers.Add("X-Forwarded-Proto", "https");
        }

        return await client.SendAsync(request, Ct);
    }

    /// <summary>Signs <paramref name="user"/> in through the portal's form on <paramref name="node"/>; the session cookie's token.</summary>
    public static async Task<string> SignInAsync(Uri node, string user, string password)
    {
        var form = await RenderAsync(node, ProductKeys.Service.Portal.PortalPaths.Home, "/portal/sign-in");
        using var signedIn = await form.PostAsync(node, ("user", user), ("password", password));
        return SessionFrom(signedIn) ?? throw new InvalidOperationException($"Signing in as {user} set no session cookie ({(int)signedIn.StatusCode}).");
    }

    /// <summary>The session token a sign-in answer set, or null.</summary>
    public static string? SessionFrom(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.Select(c => c.Split(';')[0]).Where(c => c.StartsWith(SessionCookie + "=", StringComparison.Ordinal)).Select(c => c[(SessionCookie.Length + 1)..]).FirstOrDefault(c => c.Length > 0)
            : null;

    public static HttpClient NewClient(Uri node) =>
        new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = node };

    private static Regex FormPostingTo(string action) => new($"<form method=\"post\"[^>]*action=\"{Regex.Escape(action)}\"[^>]*>.*?</form>", RegexOptions.Singleline);

    [GeneratedRegex("name=\"__pk_antiforgery\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex Field();
}
