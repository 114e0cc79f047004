using System.Net;
using ProductKeys.Client.Activation;
using ProductKeys.Core.Contracts;

namespace ProductKeys.Client.Tests.Activation;

/// <summary>
/// A publisher's review: a service behind a reverse proxy at <c>https://example/licensing</c> (no trailing slash)
/// was asked at <c>https://example/api/v1/…</c>, the proxy's own root: the last path segment was dropped as a
/// file name. The service URL is a folder, with or without its slash.
/// </summary>
public sealed class ServiceUrlPathTests
{
    [Theory]
    [InlineData("https://example.test/licensing", "/licensing/api/v1/")]
    [InlineData("https://example.test/licensing/", "/licensing/api/v1/")]
    [InlineData("https://example.test/a/b", "/a/b/api/v1/")]
    [InlineData("https://example.test", "/api/v1/")]
    [InlineData("https://example.test/", "/api/v1/")]
    public async Task Requests_go_under_the_service_urls_path(string service, string expectedPrefix)
    {
        using var recorder = new Recorder();
        using var http = new HttpClient(recorder);
        var client = new LicensingServiceClient(http);

        await client.GetPublisherKeysAsync(new Uri(service), TestContext.Current.CancellationToken);
        await client.ActivateAsync(new Uri(service), new MakActivationRequest("k", "p", "h"), TestContext.Current.CancellationToken);

        Assert.Equal([expectedPrefix + "publisher-keys", expectedPrefix + "activations"], recorder.Paths);
    }

    private sealed class Recorder : HttpMessageHandler
    {
        public List<string> Paths { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Paths.Add(request.RequestUri!.AbsolutePath);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        }
    }
}
