using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using ProductKeys.Client.Activation;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;
using ProductKeys.KmsHost.Activation;
using ProductKeys.KmsHost.Data;

namespace ProductKeys.KmsHost.Tests;

/// <summary>
/// <c>pk kms-host activate --service URL</c> against a stand-in for the licensing service that
/// implements the contract of docs/formats/kms-certificates-v1.md with the Core issuing call.
/// </summary>
public sealed class OnlineActivationTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"pk-kms-online-{Guid.NewGuid():N}");
    private readonly SigningKey _publisher = SigningKey.Generate();
    private readonly HttpClient _http = new();
    private readonly string _hostKey = ProductKey.Derive(KeyType.KmsHost, 3, 1, new byte[32]).ToString();
    private readonly Dictionary<string, HashSet<string>> _hostsPerKey = [];
    private WebApplication _service = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _service = builder.Build();
        _service.MapGet("/api/v1/publisher-keys", () => new PublisherKeysResponse([new PublisherKey(_publisher.KeyId, _publisher.PublicKey.ToPem())]));
        _service.MapPost("/api/v1/kms-host-activations", (KmsHostActivationRequest request) =>
        {
            var hosts = _hostsPerKey.TryGetValue(request.Key!, out var known) ? known : _hostsPerKey[request.Key!] = [];
            hosts.Add(request.HostId!);
            if (hosts.Count > Core.Kms.KmsHostKeyLimits.MaxHosts)
            {
                return Results.Problem(statusCode: 409, extensions: new Dictionary<string, object?> { ["code"] = ErrorCatalogue.KmsHostKeyLimit.Code });
            }

            var certificate = KmsHostCertificate.Issue(new ArtifactSigner(_publisher, TimeProvider.System), request.HostId!, request.HostPublicKey!,
                [new("contoso-desktop", 25)], "ba-online");
            return Results.Ok(new KmsHostActivationResponse(certificate.Text));
        });
        await _service.StartAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Online_activation_pins_the_publisher_keys_and_installs_a_certificate_for_this_host()
    {
        var activator = new HostActivator(new KmsHostFolder(_data), TimeProvider.System);
        var installed = await activator.ActivateOnlineAsync(_hostKey, ServiceUri, null, new LicensingServiceClient(_http), TestContext.Current.CancellationToken);
        Assert.True(installed.IsSuccess, installed.Refusal?.ToString());
        Assert.Equal(File.ReadAllText(Path.Combine(_data, "host-id")).Trim(), installed.Value.HostId);
        Assert.Equal(_publisher.KeyId, SigningKeyFile.LoadPublicKeys(Path.Combine(_data, "publisher-keys.pem")).Value.Keys.Single().KeyId);
        Assert.True(Status.KmsStatusReader.Read(_data, TimeProvider.System).Activated);
    }

    [Fact]
    public async Task The_services_refusal_code_reaches_the_operator()
    {
        for (var host = 0; host < Core.Kms.KmsHostKeyLimits.MaxHosts; host++)
        {
            _hostsPerKey.TryAdd(_hostKey, []);
            _hostsPerKey[_hostKey].Add($"other-{host}");
        }

        var activator = new HostActivator(new KmsHostFolder(_data), TimeProvider.System);
        var refused = await activator.ActivateOnlineAsync(_hostKey, ServiceUri, null, new LicensingServiceClient(_http), TestContext.Current.CancellationToken);
        Assert.Equal(ErrorCatalogue.KmsHostKeyLimit.Code, refused.Refusal?.Code);
        Assert.False(File.Exists(Path.Combine(_data, "host-certificate.txt")));
    }

    [Fact]
    public async Task Only_a_kms_host_key_activates_a_host()
    {
        var mak = ProductKey.Derive(KeyType.Mak, 3, 1, new byte[32]).ToString();
        var activator = new HostActivator(new KmsHostFolder(_data), TimeProvider.System);
        var refused = await activator.ActivateOnlineAsync(mak, ServiceUri, null, new LicensingServiceClient(_http), TestContext.Current.CancellationToken);
        Assert.Equal(ErrorCatalogue.KeyWrongUse.Code, refused.Refusal?.Code);
    }

    [Fact]
    public async Task A_certificate_for_another_host_is_not_installed()
    {
        using var otherHost = SigningKey.Generate();
        var certificate = KmsHostCertificate.Issue(new ArtifactSigner(_publisher, TimeProvider.System), "kmsh-someone-else", otherHost.PublicKey.ToPem(),
            [new("contoso-desktop", 25)], "ba");
        Directory.CreateDirectory(_data);
        var response = Path.Combine(_data, "response.txt");
        await File.WriteAllTextAsync(response, certificate.Text, TestContext.Current.CancellationToken);
        var installed = new HostActivator(new KmsHostFolder(_data), TimeProvider.System).InstallResponseFile(response, new TrustedKeySet(_publisher.PublicKey));
        Assert.Equal(ErrorCatalogue.KmsHostNotActivated.Code, installed.Refusal?.Code);
        Assert.False(File.Exists(Path.Combine(_data, "host-certificate.txt")));
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _service.DisposeAsync();
        _publisher.Dispose();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private Uri ServiceUri => new(Assert.Single(_service.Urls));
}
