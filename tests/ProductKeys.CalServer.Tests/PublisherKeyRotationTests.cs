using ProductKeys.CalServer.Packs;
using ProductKeys.CalServer.Reports;
using ProductKeys.Core.Cal;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;

namespace ProductKeys.CalServer.Tests;

/// <summary>
/// A CAL server's pinned publisher keys change only through signed key lists (docs/adr/0018-cal-server.md, "Publisher keys",
/// ADR 0024): a later --trust never replaces them, lists carried in an offline response teach a rotated key, an older list
/// never brings back a withdrawn key, a withdrawn key's pack stops counting and says so, and the trust files cannot be edited
/// into more trust. The publisher rotates from key A (the world's) to key B (list 1, signed by A and by B), then withdraws A
/// (list 2, signed by B).
/// </summary>
public sealed class PublisherKeyRotationTests : IDisposable
{
    private static readonly string[] TrustFileNames = ["publisher-keys.pem", "publisher-key-lists.txt", "publisher-key-sequence"];

    private readonly CalWorld _world = new();
    private readonly SigningKey _new = SigningKey.Generate();
    private readonly SigningKey _customer = SigningKey.Generate();

    private readonly string[] _rotation;
    private readonly string _withdrawal;

    public PublisherKeyRotationTests()
    {
        _rotation = [RotationSignedBy(Old), RotationSignedBy(_new)];
        _withdrawal = PublisherKeyList.Sign(new ArtifactSigner(_new, _world.Time), 2, _new.KeyId, Keys(_new), [Old.KeyId]).ToText();
    }

    private SigningKey Old => _world.Publisher;

    private string[] Rotation => _rotation;

    private string[] RotationAndWithdrawal => [.. _rotation, _withdrawal];

    [Fact]
    public async Task A_trust_file_holding_a_key_of_the_customers_making_is_refused_and_changes_nothing()
    {
        await InstalledAsync(Pack(Old), Keys(Old));
        var before = TrustFiles();

        foreach (var trust in new[] { Keys(_customer), Keys(Old, _customer) })
        {
            var forged = await InstallAsync(Pack(_customer), trust);
            Assert.Equal(ErrorCatalogue.PublisherKeyNotVouched.Code, forged.Refusal?.Code);
            Assert.Contains(_customer.KeyId, forged.Refusal!.Detail, StringComparison.Ordinal);
        }

        // A forged list of the customer's key, signed by the customer, vouches for nothing.
        var forgedList = PublisherKeyList.Sign(new ArtifactSigner(_customer, _world.Time), 7, _customer.KeyId, Keys(Old, _customer), []).ToText();
        Assert.Equal(ErrorCatalogue.PublisherKeyNotVouched.Code, (await InstallAsync(Pack(_customer), Keys(_customer), [forgedList])).Refusal?.Code);

        Assert.Equal(before, TrustFiles());
        Assert.Single(await _world.Ledger.PacksAsync(TestContext.Current.CancellationToken));
        await AssertStartsAsync();
    }

    [Fact]
    public async Task After_a_rotation_packs_of_the_new_key_install_from_responses_carrying_the_key_lists_and_the_first_pack_still_counts()
    {
        await InstalledAsync(Pack(Old), Keys(Old));
        var pinned = File.ReadAllText(Path.Combine(_world.Folder.Path, "publisher-keys.pem"));

        // What 'pk offline activate' writes after the rotation: the lists in the response, publisher-keys.pem of both keys.
        await InstalledAsync(Pack(_new), trust: null, Rotation);
        await InstalledAsync(Pack(_new), Keys(Old, _new), Rotation);
        // The operator who passes a file holding only the new key: accepted, as the lists vouch for it.
        await InstalledAsync(Pack(_new), Keys(_new), Rotation);

        Assert.Equal(4, (await _world.Ledger.PacksAsync(TestContext.Current.CancellationToken)).Count);
        Assert.Equal(pinned, File.ReadAllText(Path.Combine(_world.Folder.Path, "publisher-keys.pem")));
        await AssertStartsAsync();
    }

    [Fact]
    public async Task A_trust_file_of_the_new_key_alone_without_the_key_lists_is_refused_and_the_server_still_starts()
    {
        await InstalledAsync(Pack(Old), Keys(Old));

        var refused = await InstallAsync(Pack(_new), Keys(_new));

        Assert.Equal(ErrorCatalogue.PublisherKeyNotVouched.Code, refused.Refusal?.Code);
        Assert.Contains("key lists", refused.Refusal!.Detail, StringComparison.Ordinal);
        Assert.Single(await _world.Ledger.PacksAsync(TestContext.Current.CancellationToken));
        await AssertStartsAsync();
    }

    [Fact]
    public async Task A_pack_signed_by_a_withdrawn_key_stops_counting_the_report_says_so_and_installing_it_again_brings_it_back()
    {
        var first = Pack(Old);
        await InstalledAsync(first, Keys(Old));

        await InstalledAsync(Pack(_new), trust: null, RotationAndWithdrawal);

        Assert.DoesNotContain(await _world.Ledger.PacksAsync(TestContext.Current.CancellationToken), p => p.PackId == first.PackId);
        await AssertStartsAsync();
        var report = CalReport.From(_world.ServerId, await _world.UsageAsync()).ToText();
        Assert.Contains(first.PackId, report, StringComparison.Ordinal);
        Assert.Contains($"withdrew {Old.KeyId}", report, StringComparison.Ordinal);

        // The publisher signs the same pack anew with the new key (install-pack again: same server, no activation used).
        await InstalledAsync(_world.SignPack(CalMode.PerUser, 500, packId: first.PackId, publisher: _new), trust: null);
        Assert.Contains(await _world.Ledger.PacksAsync(TestContext.Current.CancellationToken), p => p.PackId == first.PackId);
        Assert.DoesNotContain("withdrew", CalReport.From(_world.ServerId, await _world.UsageAsync()).ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_only_withdrawn_packs_of_the_other_mode_a_request_says_to_install_a_pack_which_then_installs()
    {
        var ct = TestContext.Current.CancellationToken;
        await InstalledAsync(_world.SignPack(CalMode.PerDevice, 5, publisher: Old), Keys(Old));
        // The folder learns the withdrawal of the key that signed its only per-device pack (as a key list install writes it).
        var learned = _world.Folder.PublisherKeys.Accept(null, null, RotationAndWithdrawal, _world.Time);
        Assert.True(learned.IsSuccess, learned.Refusal?.ToString());
        Assert.True(_world.Folder.PublisherKeys.Save(learned.Value, _world.Time).IsSuccess);

        // Before: "serves per-device CALs", though no per-device pack counts and a per-user one installs.
        using (var ledger = _world.OpenLedger(_world.Time))
        {
            var refused = (await ledger.RequestUserAsync("bob", ct)).Refusal;
            Assert.Equal("CAL_PACK_NOT_INSTALLED", refused?.Code);
            Assert.Contains("has no per-user CAL pack: install one", refused!.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain("serves per-device CALs", refused.Detail, StringComparison.Ordinal);
        }

        await InstalledAsync(Pack(_new), trust: null);
    }

    [Fact]
    public async Task An_older_key_list_offered_later_never_brings_back_a_withdrawn_key()
    {
        await InstalledAsync(Pack(Old), Keys(Old));
        await InstalledAsync(Pack(_new), trust: null, RotationAndWithdrawal);

        // A node from before the withdrawal answered: its lists end at the rotation, its pack is signed by the old key.
        var stale = await InstallAsync(Pack(Old), trust: null, Rotation);
        Assert.Equal(ErrorCatalogue.SignatureInvalid.Code, stale.Refusal?.Code);
        var staleTrust = await InstallAsync(Pack(Old), Keys(Old), Rotation);
        Assert.Equal(ErrorCatalogue.PublisherKeyNotVouched.Code, staleTrust.Refusal?.Code);
        Assert.Contains("withdrawn", staleTrust.Refusal!.Detail, StringComparison.Ordinal);
        Assert.Equal("2", File.ReadAllText(Path.Combine(_world.Folder.Path, "publisher-key-sequence")).Trim());
    }

    [Theory]
    [InlineData("publisher-key-lists.txt", "a list of the customer's key added")]
    [InlineData("publisher-key-lists.txt", "a list edited")]
    [InlineData("publisher-key-lists.txt", "the withdrawal cut off")]
    [InlineData("publisher-key-sequence", "raised")]
    [InlineData("publisher-key-sequence", "not a number")]
    public async Task Hand_edited_key_lists_or_sequence_stop_the_start_and_installs_with_STORE_INVALID_naming_the_file(string file, string edit)
    {
        await InstalledAsync(Pack(Old), Keys(Old));
        await InstalledAsync(Pack(_new), trust: null, RotationAndWithdrawal);
        var lists = Path.Combine(_world.Folder.Path, "publisher-key-lists.txt");
        var lines = File.ReadAllLines(lists).ToList();
        switch (edit)
        {
            case "a list of the customer's key added":
                lines.Add(PublisherKeyList.Sign(new ArtifactSigner(_customer, _world.Time), 3, _customer.KeyId, Keys(Old, _new, _customer), []).ToText());
                break;
            case "a list edited":
                lines[0] = lines[0][..^4] + (lines[0][^4] == 'A' ? 'B' : 'A') + lines[0][^3..];
                break;
            case "the withdrawal cut off":
                lines.RemoveAt(lines.Count - 1);
                break;
        }

        File.WriteAllLines(lists, lines);
        var sequence = Path.Combine(_world.Folder.Path, "publisher-key-sequence");
        if (edit == "raised")
        {
            File.WriteAllText(sequence, "3\n");
        }
        else if (edit == "not a number")
        {
            File.WriteAllText(sequence, "two\n");
        }

        var built = CalServerApp.Build(_world.Folder.Path, ["http://127.0.0.1:0"], _world.Time);
        if (built.IsSuccess)
        {
            await built.Value.DisposeAsync();
        }

        Assert.Equal(ErrorCatalogue.StoreInvalid.Code, built.Refusal?.Code);
        Assert.Contains(Path.Combine(_world.Folder.Path, file), built.Refusal!.Detail, StringComparison.Ordinal);
        Assert.Equal(ErrorCatalogue.StoreInvalid.Code, (await InstallAsync(Pack(_new), trust: null, RotationAndWithdrawal)).Refusal?.Code);
    }

    public void Dispose()
    {
        _new.Dispose();
        _customer.Dispose();
        _world.Dispose();
    }

    private static TrustedKeySet Keys(params SigningKey[] keys) => new(keys.Select(k => k.PublicKey));

    private CalPackCertificate Pack(SigningKey publisher) => _world.SignPack(CalMode.PerUser, 500, publisher: publisher);

    private string RotationSignedBy(SigningKey signer) =>
        PublisherKeyList.Sign(new ArtifactSigner(signer, _world.Time), 1, _new.KeyId, Keys(Old, _new), []).ToText();

    /// <summary>Installs through a response file as 'pk offline activate' writes it, with its key lists, and --trust when given.</summary>
    private async Task<Outcome<CalPackCertificate>> InstallAsync(CalPackCertificate pack, TrustedKeySet? trust, string[]? lists = null)
    {
        var response = Path.Combine(Directory.CreateTempSubdirectory("pk-cal-rotation-").FullName, "pack.response.json");
        var carried = lists is null ? "null" : $"[{string.Join(",", lists.Select(l => $"\"{l}\""))}]";
        await File.WriteAllTextAsync(response,
            $$"""{"format":"pk-cal-pack-response-v1","serverId":"{{_world.ServerId}}","packCertificate":"{{pack.Text}}","code":null,"detail":null,"publisherKeyLists":{{carried}}}""",
            TestContext.Current.CancellationToken);
        try
        {
            return await new PackInstaller(_world.Folder, _world.Time).InstallResponseFileAsync(response, trust, TestContext.Current.CancellationToken);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(response)!, recursive: true);
        }
    }

    private async Task InstalledAsync(CalPackCertificate pack, TrustedKeySet? trust, string[]? lists = null)
    {
        var installed = await InstallAsync(pack, trust, lists);
        Assert.True(installed.IsSuccess, installed.Refusal?.ToString());
    }

    /// <summary>The folder's publisher key files as they are (absent: empty).</summary>
    private string TrustFiles() => string.Join("\n--\n", TrustFileNames
        .Select(f => Path.Combine(_world.Folder.Path, f)).Select(p => File.Exists(p) ? File.ReadAllText(p) : ""));

    /// <summary>The start check passes: the server builds (and is disposed unstarted).</summary>
    private async Task AssertStartsAsync()
    {
        var built = CalServerApp.Build(_world.Folder.Path, ["http://127.0.0.1:0"], _world.Time);
        Assert.True(built.IsSuccess, built.Refusal?.ToString());
        await built.Value.DisposeAsync();
    }
}
