using System.Net.Http.Json;
using System.Text.Json;
using ProductKeys.Core.Devices;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Activations;

/// <summary>Orders keys and activates devices through the API, the way customers and devices do.</summary>
internal static class ActivationWorld
{
    public const string Owner = TestWorld.Owner;

    /// <summary>Orders <paramref name="quantity"/> of a product and returns its key of the given type (id and plaintext).</summary>
    public static async Task<(Guid Id, string Key)> OrderKeyAsync(ServiceFixture fixture, string product, int quantity, string type = "Mak")
    {
        var purchase = await Problems.OkJsonAsync(
            await fixture.PostJsonAsync(Owner, $"/api/v1/billing-accounts/{fixture.World.AccountA}/orders", new { product, quantity }),
            System.Net.HttpStatusCode.Created);
        var keyId = purchase.GetProperty("orders")[0].GetProperty("keyPackages")[0].GetProperty("keys").EnumerateArray()
            .Single(k => k.GetProperty("type").GetString() == type).GetProperty("id").GetGuid();
        var listing = await Problems.OkJsonAsync(await fixture.GetAsync(Owner, $"/api/v1/billing-accounts/{fixture.World.AccountA}/product-keys"));
        var key = listing.EnumerateArray().Single(k => k.GetProperty("id").GetGuid() == keyId).GetProperty("key").GetString()!;
        return (keyId, key);
    }

    public static string Device(string name, string product) => HardwareId.FromDeviceId(name, product).Value.ToString();

    public static Task<HttpResponseMessage> ActivateAsync(HttpClient client, string key, string product, string hardwareId) =>
        client.PostAsJsonAsync("/api/v1/activations", new { key, product, hardwareId }, TestContext.Current.CancellationToken);

    public static async Task<JsonElement> KeyAsync(ServiceFixture fixture, Guid keyId) =>
        await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.Publisher, $"/api/v1/keys/{keyId}"));
}
