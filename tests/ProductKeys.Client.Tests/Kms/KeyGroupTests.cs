using ProductKeys.Core.Certificates;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;

namespace ProductKeys.Client.Tests.Kms;

/// <summary>
/// A KMS client setup key of one product installed with --product of another: the device sends its
/// key's group, and refuses a certificate whose host certificate says the product has another group,
/// even from a host that did not check (KEY_NOT_FOR_PRODUCT).
/// </summary>
public sealed class KeyGroupTests : IDisposable
{
    private readonly KmsWorld _world = new();

    public KeyGroupTests() => _world.License.Configure(l => l with { KmsHost = "kms.corp.test" });

    [Fact]
    public void The_request_carries_the_installed_keys_group()
    {
        int? sent = null;
        _world.Respond = (_, request) =>
        {
            sent = request.KeyGroup;
            return _world.Activated(request);
        };
        Assert.True(_world.Activate().IsSuccess);
        Assert.Equal(7, sent);
    }

    [Fact]
    public void A_certificate_for_a_product_of_another_key_group_is_refused_and_nothing_is_stored()
    {
        _world.HostCertificate = HostCertificateWithGroup(8);
        var refused = _world.Activate();
        Assert.Equal(ErrorCatalogue.KeyNotForProduct.Code, refused.Refusal?.Code);
        Assert.Null(_world.Stored.Activation);

        _world.HostCertificate = HostCertificateWithGroup(7);
        Assert.True(_world.Activate().IsSuccess);
    }

    public void Dispose() => _world.Dispose();

    private KmsHostCertificate HostCertificateWithGroup(int group) =>
        KmsHostCertificate.Issue(new ArtifactSigner(_world.Publisher, _world.Clock), "kmsh-test", _world.HostKey.PublicKey.ToPem(),
            [new(KmsWorld.Product, 25, group)], "ba-test");
}
