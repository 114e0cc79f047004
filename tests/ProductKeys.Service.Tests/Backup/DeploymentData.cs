using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ProductKeys.Service.Tests.Activations;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Backup;

/// <summary>
/// Data a deployment holds after some use (orders, keys shown, devices activated), and what a restored or
/// upgraded node must answer for it: the same keys, the same counts, the same audit chain, verified.
/// </summary>
internal static class DeploymentData
{
    /// <summary>Orders a MAK, activates three devices on it and lists keys (audited); returns the MAK and a device.</summary>
    public static async Task<(Guid KeyId, string Key, string Device)> FillAsync(ServiceFixture fixture)
    {
        var (keyId, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 10);
        var devices = Enumerable.Range(1, 3).Select(i => ActivationWorld.Device($"backup-{keyId:N}-{i}", TestWorld.Desktop)).ToList();
        foreach (var device in devices)
        {
            await Problems.OkJsonAsync(await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, device));
        }

        await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Server, 2);
        return (keyId, key, devices[0]);
    }

    /// <summary>The node at <paramref name="other"/> answers as the fixture's node does: keys, counts, a verified audit chain of the same length.</summary>
    /// <param name="fixture">The original deployment.</param>
    /// <param name="other">A node on the copy (restored, or upgraded).</param>
    /// <param name="filled">What <see cref="FillAsync"/> made.</param>
    /// <param name="withActivationRows">
    /// Whether the copy holds MAK activation rows (a schema from before activations existed has only the counts).
    /// </param>
    public static async Task AssertServesTheSameAsync(ServiceFixture fixture, HttpClient other, (Guid KeyId, string Key, string Device) filled, bool withActivationRows = true)
    {
        var keys = $"/api/v1/billing-accounts/{fixture.World.AccountA}/product-keys";
        var expectedKeys = await GetAsync(fixture.Client, fixture.World.Tokens[TestWorld.Owner], keys);
        var actualKeys = await GetAsync(other, fixture.World.Tokens[TestWorld.Owner], keys);
        Assert.Equal(expectedKeys.GetRawText(), actualKeys.GetRawText());

        var publisher = fixture.World.Tokens[TestWorld.Publisher];
        var expectedAudit = await GetAsync(fixture.Client, publisher, "/api/v1/audit/verify");
        var audit = await GetAsync(other, publisher, "/api/v1/audit/verify");
        Assert.True(audit.GetProperty("valid").GetBoolean(), audit.GetRawText());
        Assert.Equal(expectedAudit.GetProperty("verifiedEntries").GetInt64(), audit.GetProperty("verifiedEntries").GetInt64());

        var used = (await GetAsync(other, publisher, $"/api/v1/keys/{filled.KeyId}")).GetProperty("activationsUsed").GetInt32();
        Assert.Equal(3, used);
        if (!withActivationRows)
        {
            return;
        }

        // A device activated before the backup gets its activation back for free: the count came along.
        var again = await Problems.OkJsonAsync(await ActivationWorld.ActivateAsync(other, filled.Key, TestWorld.Desktop, filled.Device));
        Assert.True(again.GetProperty("reactivation").GetBoolean());
        Assert.Equal(3, (await GetAsync(other, publisher, $"/api/v1/keys/{filled.KeyId}")).GetProperty("activationsUsed").GetInt32());
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Problems.OkJsonAsync(await client.SendAsync(request, TestContext.Current.CancellationToken), HttpStatusCode.OK);
    }
}
