using System.Net;
using ProductKeys.Client.Kms;
using ProductKeys.Core.Errors;

namespace ProductKeys.Client.Tests.Kms;

/// <summary>
/// A hostile review gave a KMS domain with a label of 70 letters: the DNS client threw ArgumentException ("Label is
/// longer than 63 bytes") out of <see cref="ProductLicense.ActivateAsync"/> and <see cref="ProductLicense.RenewIfDueAsync"/>,
/// and <c>pk ato --kms-domain</c> saved it, so every later <c>pk ato</c> and <c>pk renew</c> on the store was INTERNAL_ERROR.
/// </summary>
public sealed class KmsDomainTests : IDisposable
{
    private readonly KmsWorld _world = new();

    [Theory]
    [InlineData("corp.example", true)]
    [InlineData("corp.example.", true)]
    [InlineData("_msdcs.corp-1.example", true)]
    [InlineData("", false)]
    [InlineData(".", false)]
    [InlineData("corp..example", false)]
    [InlineData("corp example", false)]
    [InlineData("corp.exämple", false)]
    public void A_domain_is_DNS_labels_of_1_to_63_characters(string domain, bool valid) =>
        Assert.Equal(valid, KmsDomainName.IsValid(domain));

    [Fact]
    public void The_longest_label_and_the_longest_domain_are_taken_and_one_more_character_is_not()
    {
        Assert.True(KmsDomainName.IsValid(new string('a', 63) + ".example"));
        Assert.False(KmsDomainName.IsValid(new string('a', 64) + ".example"));
        var longest = string.Join('.', new string('a', 63), new string('b', 63), new string('c', 63), new string('d', 48));
        Assert.Equal(KmsDomainName.MaxLength, longest.Length);
        Assert.True(KmsDomainName.IsValid(longest));
        Assert.False(KmsDomainName.IsValid("a" + longest));
    }

    [Fact]
    public async Task A_store_holding_a_domain_DNS_cannot_carry_is_a_refusal_not_an_exception()
    {
        // As 'pk ato --kms-domain' saved it before the rule: a label of 70 letters.
        Assert.True(_world.License.Configure(l => l with { KmsDomain = new string('a', 70) + ".example" }).IsSuccess);
        // The real resolver, which threw building the query; nothing is sent (no name server listens on port 9).
        var settings = new KmsClientSettings(_world, new DnsSrvResolver(new IPEndPoint(IPAddress.Loopback, 9)));

        var activated = await KmsActivation.ActivateAsync(_world.License, settings, _world.Clock, TestContext.Current.CancellationToken);

        Assert.Equal(ErrorCatalogue.KmsUnreachable, activated.Refusal?.Error);
        Assert.Empty(_world.Asked);
    }

    public void Dispose() => _world.Dispose();
}
