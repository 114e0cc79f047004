using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ProductKeys.Service.Secrets;
using ProductKeys.Service.Tests.Activations;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Secrets;

/// <summary>
/// A node still running with the secrets folder from before another node rotated the key-group secret
/// (docs/adr/0024): it cannot derive the keys issued under the new version and must not issue keys under the old
/// one. It answers SECRETS_MISMATCH (409) where it would have failed (500) or erred, and leaves readiness, until it
/// restarts with the rotated folder; the rotated node serves everything.
/// </summary>
public sealed class OutdatedNodeTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-outdated-").FullName;

    [Fact]
    public async Task A_node_behind_a_rotation_refuses_with_SECRETS_MISMATCH_and_is_not_ready_while_the_rotated_node_serves()
    {
        var account = $"/api/v1/billing-accounts/{fixture.World.AccountA}";
        var (_, keyBefore) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 5); // under version 1
        Assert.Equal(HttpStatusCode.OK, (await fixture.Client.GetAsync("/healthz/ready", TestContext.Current.CancellationToken)).StatusCode);

        // Another node rotates: the rotated folder (version 2) starts on the same database and records the rotation.
        var rotated = Path.Combine(_folder, "rotated");
        CopyFolder(fixture.Options.SecretsPath, rotated);
        Assert.Equal(2, KeySecrets.Rotate(rotated));
        await using var current = await ExtraNode.StartAsync(fixture.Options with { SecretsDirectory = rotated });
        Authorize(current.Client, fixture.World.Tokens[TestWorld.Owner]);
        var purchase = await Problems.OkJsonAsync(await current.Client.PostAsJsonAsync($"{account}/orders", new { product = TestWorld.Desktop, quantity = 5 }, TestContext.Current.CancellationToken), HttpStatusCode.Created);
        var keyAfterId = purchase.GetProperty("orders")[0].GetProperty("keyPackages")[0].GetProperty("keys").EnumerateArray()
            .Single(k => k.GetProperty("type").GetString() == "Mak").GetProperty("id").GetGuid();
        var listed = await Problems.OkJsonAsync(await current.Client.GetAsync($"{account}/product-keys", TestContext.Current.CancellationToken));
        var keyAfter = listed.EnumerateArray().Single(k => k.GetProperty("id").GetGuid() == keyAfterId).GetProperty("key").GetString()!;

        // The outdated node: a clear refusal instead of a 500, for the listing, the export, an order and the new key's activation.
        await Problems.AssertAsync(await fixture.GetAsync(TestWorld.Owner, $"{account}/product-keys"), HttpStatusCode.Conflict, "SECRETS_MISMATCH");
        await Problems.AssertAsync(await fixture.GetAsync(TestWorld.Owner, $"{account}/product-keys/export"), HttpStatusCode.Conflict, "SECRETS_MISMATCH");
        await Problems.AssertAsync(await fixture.PostJsonAsync(TestWorld.Owner, $"{account}/orders", new { product = TestWorld.Desktop, quantity = 5 }), HttpStatusCode.Conflict, "SECRETS_MISMATCH");
        await Problems.AssertAsync(await ActivationWorld.ActivateAsync(fixture.Client, keyAfter, TestWorld.Desktop, ActivationWorld.Device("outdated-a", TestWorld.Desktop)), HttpStatusCode.Conflict, "SECRETS_MISMATCH");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await fixture.Client.GetAsync("/healthz/ready", TestContext.Current.CancellationToken)).StatusCode);

        // A forgery is still unknown there (and counted as a guess): only a row under the newer version says "outdated".
        var forged = Core.Keys.ProductKey.Derive(Core.Keys.KeyType.Mak, 7, 123_456, new byte[32]).ToString();
        await Problems.AssertAsync(await ActivationWorld.ActivateAsync(fixture.Client, forged, TestWorld.Desktop, ActivationWorld.Device("outdated-c", TestWorld.Desktop)), HttpStatusCode.BadRequest, "KEY_UNKNOWN");

        // What it still can do, it does: a key of before the rotation activates.
        Assert.Equal(HttpStatusCode.OK, (await ActivationWorld.ActivateAsync(fixture.Client, keyBefore, TestWorld.Desktop, ActivationWorld.Device("outdated-b", TestWorld.Desktop))).StatusCode);

        // The rotated node serves both keys and is ready.
        Assert.Equal(HttpStatusCode.OK, (await ActivationWorld.ActivateAsync(current.Client, keyAfter, TestWorld.Desktop, ActivationWorld.Device("outdated-a", TestWorld.Desktop))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await current.Client.GetAsync($"{account}/product-keys/export", TestContext.Current.CancellationToken)).StatusCode);
        using var anonymous = new HttpClient { BaseAddress = current.Client.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz/ready", TestContext.Current.CancellationToken)).StatusCode);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static void Authorize(HttpClient client, string token) => client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

    internal static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

/// <summary>
/// A node still running with the signing key another node rotated and withdrew (it leaked, docs/adr/0024): it signs
/// nothing more for a real key (SECRETS_MISMATCH, read in the key lookup's own round trip) and is not ready, while
/// the rotated node activates. Its own fixture: the rotation leaves this node outdated for the rest of the class.
/// </summary>
public sealed class OutdatedSignerTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-outdated-signer-").FullName;

    [Fact]
    public async Task A_node_behind_a_signing_key_withdrawal_signs_nothing_more_while_the_rotated_node_activates()
    {
        var (_, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 5);
        Assert.Equal(HttpStatusCode.OK, (await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, ActivationWorld.Device("signer-a", TestWorld.Desktop))).StatusCode);

        // Another node rotates the signing key and withdraws the old one (it leaked), then starts: the database records it.
        var rotated = Path.Combine(_folder, "signing-rotated");
        OutdatedNodeTests.CopyFolder(fixture.Options.SecretsPath, rotated);
        var rotation = PublisherKeyRing.Rotate(rotated, TimeProvider.System);
        Assert.True(rotation.IsSuccess, rotation.Refusal?.ToString());
        Assert.True(PublisherKeyRing.Withdraw(rotated, rotation.Value.PreviousKeyId, TimeProvider.System).IsSuccess);
        await using var current = await ExtraNode.StartAsync(fixture.Options with { SecretsDirectory = rotated });

        // The node still running with the withdrawn key signs no certificate with it: neither for a new device nor again.
        await Problems.AssertAsync(await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, ActivationWorld.Device("signer-b", TestWorld.Desktop)), HttpStatusCode.Conflict, "SECRETS_MISMATCH");
        await Problems.AssertAsync(await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, ActivationWorld.Device("signer-a", TestWorld.Desktop)), HttpStatusCode.Conflict, "SECRETS_MISMATCH");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await fixture.Client.GetAsync("/healthz/ready", TestContext.Current.CancellationToken)).StatusCode);

        // The rotated node activates the same key, signing with the new key.
        using var answer = await ActivationWorld.ActivateAsync(current.Client, key, TestWorld.Desktop, ActivationWorld.Device("signer-b", TestWorld.Desktop));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
