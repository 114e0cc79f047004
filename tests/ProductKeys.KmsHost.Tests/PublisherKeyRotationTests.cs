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
using ProductKeys.KmsHost.Status;

namespace ProductKeys.KmsHost.Tests;

/// <summary>
/// A KMS host's pinned publisher keys change only through signed key lists (ADR 0024, "KMS hosts and CAL servers"), online and
/// offline: a later --trust never replaces them, an older list offered by a node from before a withdrawal never brings the
/// withdrawn key back, and a hand-edited lists file stops the start. A stand-in service publishes what each step needs: the
/// publisher rotates from key A to key B (list 1, signed by A and by B), then withdraws A (list 2, signed by B).
/// </summary>
public sealed class PublisherKeyRotationTests : IAsyncLifetime
{
    private static readonly string[] PublisherKeyFiles = ["publisher-keys.pem", "publisher-key-lists.txt", "publisher-key-sequence"];

    private readonly string _data = Path.Combine(Path.GetTempPath(), $"pk-kms-rotation-{Guid.NewGuid():N}");
    private readonly SigningKey _old = SigningKey.Generate();
    private readonly SigningKey _new = SigningKey.Generate();
    private readonly SigningKey _customer = SigningKey.Generate();
    private readonly HttpClient _http = new();
    private readonly string _hostKey = ProductKey.Derive(KeyType.KmsHost, 3, 1, new byte[32]).ToString();
    private readonly string[] _rotation;
    private readonly string _withdrawal;
    private WebApplication _service = null!;

    /// <summary>What the stand-in service publishes and signs with now.</summary>
    private (SigningKey[] Keys, string[] Lists, SigningKey Signer) _publishes;

    public PublisherKeyRotationTests()
    {
        _rotation = [RotationSignedBy(_old), RotationSignedBy(_new)];
        _withdrawal = PublisherKeyList.Sign(new ArtifactSigner(_new, TimeProvider.System), 2, _new.KeyId, Keys(_new), [_old.KeyId]).ToText();
    }

    public async ValueTask InitializeAsync()
    {
        _publishes = ([_old], [], _old);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _service = builder.Build();
        _service.MapGet("/api/v1/publisher-keys", () => new PublisherKeysResponse(
            [.. _publishes.Keys.Select(k => new PublisherKey(k.KeyId, k.PublicKey.ToPem()))], _publishes.Lists));
        _service.MapPost("/api/v1/kms-host-activations", (KmsHostActivationRequest request) =>
            Results.Ok(new KmsHostActivationResponse(Certificate(_publishes.Signer, request.HostId!, request.HostPublicKey!))));
        await _service.StartAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Online_the_host_learns_the_rotation_and_the_withdrawal_and_an_older_list_offered_later_never_brings_the_old_key_back()
    {
        await ActivatedOnlineAsync();

        _publishes = ([_new], [.. Rotation, _withdrawal], _new);
        await ActivatedOnlineAsync();
        Assert.Contains(_withdrawal, new HostCertificateStore(Folder, TimeProvider.System).LoadKeyLists() ?? []);

        // A node still on the secrets from before the withdrawal answers during a rolling restart.
        _publishes = ([_old, _new], Rotation, _old);
        var stale = await new HostActivator(Folder, TimeProvider.System).ActivateOnlineAsync(
            _hostKey, ServiceUri, null, new LicensingServiceClient(_http), TestContext.Current.CancellationToken);
        Assert.Equal(ErrorCatalogue.SignatureInvalid.Code, stale.Refusal?.Code);
        Assert.True(KmsStatusReader.Read(_data, TimeProvider.System).Activated);
        Assert.Contains(_withdrawal, new HostCertificateStore(Folder, TimeProvider.System).LoadKeyLists() ?? []);
    }

    [Fact]
    public async Task Offline_a_trust_file_of_the_customers_making_on_an_activated_host_is_refused_and_changes_nothing()
    {
        await ActivatedOnlineAsync();
        var before = FolderFiles();

        foreach (var trust in new[] { Keys(_customer), Keys(_old, _customer) })
        {
            var forged = await InstallResponseAsync(_customer, trust);
            Assert.Equal(ErrorCatalogue.PublisherKeyNotVouched.Code, forged.Refusal?.Code);
        }

        Assert.Equal(before, FolderFiles());
        Assert.True(KmsStatusReader.Read(_data, TimeProvider.System).Activated);
    }

    [Fact]
    public async Task Offline_after_a_rotation_the_host_activates_again_from_a_response_carrying_the_key_lists()
    {
        await ActivatedOnlineAsync();

        Assert.Equal(ErrorCatalogue.PublisherKeyNotVouched.Code, (await InstallResponseAsync(_new, Keys(_new))).Refusal?.Code);
        var withLists = await InstallResponseAsync(_new, Keys(_new), Rotation);
        Assert.True(withLists.IsSuccess, withLists.Refusal?.ToString());
        var withoutTrust = await InstallResponseAsync(_new, null, [.. Rotation, _withdrawal]);
        Assert.True(withoutTrust.IsSuccess, withoutTrust.Refusal?.ToString());

        Assert.True(KmsStatusReader.Read(_data, TimeProvider.System).Activated);
        Assert.Equal(_old.KeyId, SigningKeyFile.LoadPublicKeys(Path.Combine(_data, "publisher-keys.pem")).Value.Keys.Single().KeyId); // still the pinned key
    }

    [Fact]
    public async Task A_certificate_signed_by_a_withdrawn_key_is_reported_as_such()
    {
        await ActivatedOnlineAsync();
        var oldCertificate = await File.ReadAllTextAsync(Path.Combine(_data, "host-certificate.txt"), TestContext.Current.CancellationToken);
        Assert.True((await InstallResponseAsync(_new, null, [.. Rotation, _withdrawal])).IsSuccess);

        // The certificate from before, put back (a restored backup of that file alone).
        await File.WriteAllTextAsync(Path.Combine(_data, "host-certificate.txt"), oldCertificate, TestContext.Current.CancellationToken);

        var status = KmsStatusReader.Read(_data, TimeProvider.System);
        Assert.False(status.Activated);
        Assert.Contains($"withdrew {_old.KeyId}", status.ActivationDetail, StringComparison.Ordinal);
        Assert.Contains("pk kms-host activate", status.ActivationDetail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("publisher-key-lists.txt", "a list of the customer's key added")]
    [InlineData("publisher-key-lists.txt", "the withdrawal cut off")]
    [InlineData("publisher-keys.pem", "every publisher key file deleted")]
    public async Task Hand_edited_publisher_key_files_stop_the_start_and_activations_with_STORE_INVALID_naming_the_file(string file, string edit)
    {
        await ActivatedOnlineAsync();
        Assert.True((await InstallResponseAsync(_new, null, [.. Rotation, _withdrawal])).IsSuccess);
        var lists = Path.Combine(_data, "publisher-key-lists.txt");
        var lines = File.ReadAllLines(lists).ToList();
        switch (edit)
        {
            case "the withdrawal cut off":
                lines.RemoveAt(lines.Count - 1);
                File.WriteAllLines(lists, lines);
                break;
            case "a list of the customer's key added":
                lines.Add(PublisherKeyList.Sign(new ArtifactSigner(_customer, TimeProvider.System), 3, _customer.KeyId, Keys(_new, _customer), []).ToText());
                File.WriteAllLines(lists, lines);
                break;
            default:
                // What would let a trust file of the customer's key pin the activated host anew.
                foreach (var name in PublisherKeyFiles)
                {
                    File.Delete(Path.Combine(_data, name));
                }

                break;
        }

        var built = KmsHostApp.Build(new KmsHostOptions { DataDirectory = _data }, ["http://127.0.0.1:0"], TimeProvider.System);
        if (built.IsSuccess)
        {
            await built.Value.DisposeAsync();
        }

        Assert.Equal(ErrorCatalogue.StoreInvalid.Code, built.Refusal?.Code);
        Assert.Contains(Path.Combine(_data, file), built.Refusal!.Detail, StringComparison.Ordinal);
        Assert.Equal(ErrorCatalogue.StoreInvalid.Code, (await InstallResponseAsync(_customer, Keys(_customer))).Refusal?.Code);
        Assert.Equal(ErrorCatalogue.StoreInvalid.Code, (await InstallResponseAsync(_new, null, [.. Rotation, _withdrawal])).Refusal?.Code);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _service.DisposeAsync();
        _old.Dispose();
        _new.Dispose();
        _customer.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private KmsHostFolder Folder => new(_data);

    private Uri ServiceUri => new(Assert.Single(_service.Urls));

    private string[] Rotation => _rotation;

    private static TrustedKeySet Keys(params SigningKey[] keys) => new(keys.Select(k => k.PublicKey));

    private static string Certificate(SigningKey publisher, string hostId, string hostPublicKey) =>
        KmsHostCertificate.Issue(new ArtifactSigner(publisher, TimeProvider.System), hostId, hostPublicKey, [new("contoso-desktop", 25)], "ba-rotation").Text;

    private string RotationSignedBy(SigningKey signer) =>
        PublisherKeyList.Sign(new ArtifactSigner(signer, TimeProvider.System), 1, _new.KeyId, Keys(_old, _new), []).ToText();

    private async Task ActivatedOnlineAsync()
    {
        var activated = await new HostActivator(Folder, TimeProvider.System).ActivateOnlineAsync(
            _hostKey, ServiceUri, null, new LicensingServiceClient(_http), TestContext.Current.CancellationToken);
        Assert.True(activated.IsSuccess, activated.Refusal?.ToString());
    }

    /// <summary>Installs a certificate signed by <paramref name="publisher"/> through a response file as 'pk offline activate' writes it.</summary>
    private async Task<Outcome<KmsHostCertificate>> InstallResponseAsync(SigningKey publisher, TrustedKeySet? trust, string[]? lists = null)
    {
        var request = new HostActivator(Folder, TimeProvider.System).CreateRequest(_hostKey).Value;
        var carried = lists is null ? "null" : $"[{string.Join(",", lists.Select(l => $"\"{l}\""))}]";
        var response = Path.Combine(Path.GetTempPath(), $"pk-kms-rotation-response-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(response,
            $$"""{"format":"pk-kms-host-response-v1","hostId":"{{request.HostId}}","hostCertificate":"{{Certificate(publisher, request.HostId!, request.HostPublicKey!)}}","code":null,"detail":null,"publisherKeyLists":{{carried}}}""",
            TestContext.Current.CancellationToken);
        try
        {
            return new HostActivator(Folder, TimeProvider.System).InstallResponseFile(response, trust);
        }
        finally
        {
            File.Delete(response);
        }
    }

    /// <summary>Every file of the data folder but the database, as it is.</summary>
    private string FolderFiles() => string.Join("\n--\n", Directory.GetFiles(_data).Where(f => !Path.GetFileName(f).StartsWith("kms.", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal).Select(f => $"{Path.GetFileName(f)}\n{File.ReadAllText(f)}"));
}
