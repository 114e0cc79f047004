using System.Net;
using System.Net.Http.Json;
using System.Text;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Api;

/// <summary>Bad requests of every kind, each with the answer it must get.</summary>
public static class BadInputCases
{
    private const string Owner = TestWorld.Owner;

    public static readonly Dictionary<string, (Func<ServiceFixture, Task<HttpResponseMessage>> Send, HttpStatusCode Status, string Code)> All = new()
    {
        ["malformed JSON"] = (f => Raw(f, Owner, Orders(f), "{\"product\": \"test-desktop\", \"quantity\": "), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["not JSON at all"] = (f => Raw(f, Owner, Orders(f), "quantity=5"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["quantity is a word"] = (f => Raw(f, Owner, Orders(f), "{\"product\": \"test-desktop\", \"quantity\": \"ten\"}"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["quantity is a numeric string"] = (f => Raw(f, Owner, Orders(f), "{\"product\": \"test-desktop\", \"quantity\": \"5\"}"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["quantity is fractional"] = (f => Raw(f, Owner, Orders(f), "{\"product\": \"test-desktop\", \"quantity\": 2.5}"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["product is a number"] = (f => Raw(f, Owner, Orders(f), "{\"product\": 7, \"quantity\": 5}"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["split is a string"] = (f => Raw(f, Owner, Orders(f), "{\"product\": \"test-cal\", \"quantity\": 900, \"split\": \"yes\"}"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["zero quantity"] = (f => Order(f, new { product = TestWorld.Desktop, quantity = 0 }), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["negative quantity"] = (f => Order(f, new { product = TestWorld.Desktop, quantity = -5 }), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["quantity over a million"] = (f => Order(f, new { product = TestWorld.Desktop, quantity = 1_000_001 }), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["quantity past int"] = (f => Raw(f, Owner, Orders(f), "{\"product\": \"test-desktop\", \"quantity\": 2147483648}"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["absurd quantity"] = (f => Raw(f, Owner, Orders(f), "{\"product\": \"test-desktop\", \"quantity\": 1e400}"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["missing quantity"] = (f => Order(f, new { product = TestWorld.Desktop }), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["missing product"] = (f => Order(f, new { quantity = 3 }), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["unknown product"] = (f => Order(f, new { product = "no-such-product", quantity = 3 }), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["array body"] = (f => Raw(f, Owner, Orders(f), "[1, 2, 3]"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["null body"] = (f => Raw(f, Owner, Orders(f), "null"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["empty body"] = (f => Raw(f, Owner, Orders(f), ""), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["deeply nested body"] = (f => Raw(f, Owner, Orders(f), new string('[', 5000) + new string(']', 5000)), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["2 MB body"] = (f => Raw(f, Owner, Orders(f), "{\"product\": \"" + new string('x', 2 * 1024 * 1024) + "\", \"quantity\": 1}"), HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE"),
        ["2 MB chunked body"] = (f => Chunked(f, Orders(f), 2 * 1024 * 1024), HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE"),
        ["wrong content type"] = (f => Raw(f, Owner, Orders(f), "{\"product\": \"test-desktop\", \"quantity\": 1}", "text/plain"), HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"),
        ["form content type"] = (f => Raw(f, Owner, Orders(f), "product=test-desktop&quantity=1", "application/x-www-form-urlencoded"), HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"),
        ["unknown charset"] = (f => WithCharset(f, Owner, Orders(f), "foo"), HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"),
        ["charset utf-7"] = (f => WithCharset(f, Owner, Orders(f), "utf-7"), HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"),
        ["empty charset"] = (f => WithCharset(f, Owner, Orders(f), ""), HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"),
        ["unknown charset, signing in"] = (f => WithCharset(f, null, "/api/v1/sessions", "x-unknown"), HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"),
        ["unknown charset, activating"] = (f => WithCharset(f, null, "/api/v1/activations", "foo"), HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"),
        ["unknown account"] = (f => f.PostJsonAsync(Owner, $"/api/v1/billing-accounts/{Guid.NewGuid()}/orders", new { product = TestWorld.Desktop, quantity = 1 }), HttpStatusCode.NotFound, "NOT_FOUND"),
        ["account id not a guid"] = (f => f.PostJsonAsync(Owner, "/api/v1/billing-accounts/not-a-guid/orders", new { product = TestWorld.Desktop, quantity = 1 }), HttpStatusCode.NotFound, "NOT_FOUND"),
        ["no token"] = (f => f.PostJsonAsync(null, Orders(f), new { product = TestWorld.Desktop, quantity = 1 }), HttpStatusCode.Unauthorized, "UNAUTHENTICATED"),
        ["forged token"] = (f => Forged(f, "pk_" + new string('A', 43)), HttpStatusCode.Unauthorized, "UNAUTHENTICATED"),
        ["huge token"] = (f => Forged(f, new string('A', 5000)), HttpStatusCode.Unauthorized, "UNAUTHENTICATED"),
        ["unknown role"] = (f => f.PostJsonAsync(Owner, Roles(f), new { user = TestWorld.Target, role = "God" }), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["numeric role"] = (f => f.PostJsonAsync(Owner, Roles(f), new { user = TestWorld.Target, role = "0" }), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["two roles in one"] = (f => f.PostJsonAsync(Owner, Roles(f), new { user = TestWorld.Target, role = "Owner,Reader" }), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["padded role"] = (f => f.PostJsonAsync(Owner, Roles(f), new { user = TestWorld.Target, role = " Reader" }), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["role for an unknown user"] = (f => f.PostJsonAsync(Owner, Roles(f), new { user = "nobody", role = "Reader" }), HttpStatusCode.NotFound, "NOT_FOUND"),
        ["role for another organization's user"] = (f => f.PostJsonAsync(Owner, Roles(f), new { user = TestWorld.OtherOrgOwner, role = "Owner" }), HttpStatusCode.NotFound, "NOT_FOUND"),
        ["revoke from a user without a role"] = (f => f.SendAsync(Owner, HttpMethod.Delete, Roles(f) + "/" + TestWorld.Target + "-nobody"), HttpStatusCode.NotFound, "NOT_FOUND"),
        ["export in an unknown format"] = (f => f.GetAsync(Owner, $"/api/v1/billing-accounts/{f.World.AccountA}/product-keys/export?format=xml"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["negative limit"] = (f => f.PostJsonAsync(TestWorld.Publisher, $"/api/v1/keys/{Guid.NewGuid()}/limit", new { activationLimit = -1 }), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["limit for an unknown key"] = (f => f.PostJsonAsync(TestWorld.Publisher, $"/api/v1/keys/{Guid.NewGuid()}/limit", new { activationLimit = 50 }), HttpStatusCode.NotFound, "NOT_FOUND"),
        ["audit page too large"] = (f => f.GetAsync(TestWorld.Publisher, "/api/v1/audit?limit=100000000"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["audit query not a number"] = (f => f.GetAsync(TestWorld.Publisher, "/api/v1/audit?after=abc"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["sign-in without password"] = (f => f.PostJsonAsync(null, "/api/v1/sessions", new { user = TestWorld.Owner }), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["sign-in with malformed JSON"] = (f => Raw(f, null, "/api/v1/sessions", "{\"user\":"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["product with a bad slug"] = (f => f.PostJsonAsync(TestWorld.Publisher, "/api/v1/products", new { id = "Bad Slug!", name = "X", category = "Desktop", keyGroup = 7 }), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["product with an unknown category"] = (f => f.PostJsonAsync(TestWorld.Publisher, "/api/v1/products", new { id = "ok-slug", name = "X", category = "Phone", keyGroup = 7 }), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["product with two categories in one"] = (f => f.PostJsonAsync(TestWorld.Publisher, "/api/v1/products", new { id = "ok-slug", name = "X", category = "Desktop,Server", keyGroup = 7 }), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["CAL product with two modes in one"] = (f => f.PostJsonAsync(TestWorld.Publisher, "/api/v1/products", new { id = "ok-slug", name = "X", category = "Cal", keyGroup = 7, calType = "PerUser,PerDevice" }), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["user with two directory roles in one"] = (f => f.PostJsonAsync(TestWorld.Owner, $"/api/v1/organizations/{OrgA(f)}/users", new { name = "someone", password = "long enough password", directoryRole = "User,GlobalAdministrator" }), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["product with a key group past 20 bits"] = (f => f.PostJsonAsync(TestWorld.Publisher, "/api/v1/products", new { id = "ok-slug", name = "X", category = "Desktop", keyGroup = 1 << 20 }), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["organization name with a lone surrogate"] = (f => Raw(f, TestWorld.Publisher, "/api/v1/organizations", "{\"name\": \"Fabrikam \\ud800\"}"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["organization name with a zero-width space"] = (f => f.PostJsonAsync(TestWorld.Publisher, "/api/v1/organizations", new { name = "Fabri\u200Bkam" }), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["product name with a lone surrogate"] = (f => Raw(f, TestWorld.Publisher, "/api/v1/products", "{\"id\": \"ok-slug\", \"name\": \"X\\udc00\", \"category\": \"Desktop\", \"keyGroup\": 7}"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["organization without a name"] = (f => f.PostJsonAsync(TestWorld.Publisher, "/api/v1/organizations", new { name = " " }), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["user with a short password"] = (f => f.PostJsonAsync(TestWorld.Owner, $"/api/v1/organizations/{OrgA(f)}/users", new { name = "shorty", password = "short", directoryRole = "User" }), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["user with spaces in the name"] = (f => f.PostJsonAsync(TestWorld.Owner, $"/api/v1/organizations/{OrgA(f)}/users", new { name = "a b", password = "long enough password", directoryRole = "User" }), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["users of an unknown organization"] = (f => f.PostJsonAsync(TestWorld.Publisher, $"/api/v1/organizations/{Guid.NewGuid()}/users", new { name = "someone", password = "long enough password", directoryRole = "User" }), HttpStatusCode.NotFound, "NOT_FOUND"),
        ["account whose owner is not in the organization"] = (f => f.PostJsonAsync(TestWorld.Publisher, $"/api/v1/organizations/{OrgA(f)}/billing-accounts", new { name = "EA", owner = TestWorld.OtherOrgOwner }), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        // A NUL (JSON "\u0000") reached PostgreSQL, which cannot store or compare it: 500 INTERNAL_ERROR before the fix.
        // Every JSON string is now refused at reading (Hosting/StorableStringConverter); the portal's form sign-in checks on its own.
        ["sign-in as a name with a NUL"] = (f => Raw(f, null, "/api/v1/sessions", "{\"user\": \"a\\u0000b\", \"password\": \"whatever it is\"}"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["role for a name with a NUL"] = (f => Raw(f, Owner, Roles(f), "{\"user\": \"grant-target\\u0000\", \"role\": \"Reader\"}"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["profile role for a name with a NUL"] = (f => ProfileRole(f, "{\"user\": \"a\\u0000b\", \"role\": \"Reader\"}"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["order of a product id with a NUL"] = (f => Raw(f, Owner, Orders(f), "{\"product\": \"test-desktop\\u0000\", \"quantity\": 1}"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["account whose owner name has a NUL"] = (f => Raw(f, TestWorld.Publisher, $"/api/v1/organizations/{OrgA(f)}/billing-accounts", "{\"name\": \"EA\", \"owner\": \"a\\u0000b\"}"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["activation for a product id with a NUL"] = (f => Raw(f, null, "/api/v1/activations", "{\"key\": \"BCDFG-HJKMP-QRTVW-XY234-6789B\", \"product\": \"x\\u0000\", \"hardwareId\": \"h\"}"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        // Last-wins before: the second "quantity" silently replaced the first, so what a proxy, a log or
        // a reviewer read from the body was not what the service acted on.
        ["order with quantity twice"] = (f => Raw(f, Owner, Orders(f), "{\"product\": \"test-desktop\", \"quantity\": 1, \"quantity\": 900}"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["order with product twice"] = (f => Raw(f, Owner, Orders(f), "{\"product\": \"test-desktop\", \"product\": \"test-cal\", \"quantity\": 1}"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["sign-in with user twice"] = (f => Raw(f, null, "/api/v1/sessions", "{\"user\": \"nobody\", \"user\": \"" + TestWorld.Owner + "\", \"password\": \"whatever it is\"}"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["role with role twice"] = (f => Raw(f, Owner, Roles(f), "{\"user\": \"" + TestWorld.Target + "\", \"role\": \"Reader\", \"role\": \"Owner\"}"), HttpStatusCode.BadRequest, "VALIDATION_FAILED"),
        ["unknown path"] = (f => f.GetAsync(Owner, "/api/v1/nothing-here"), HttpStatusCode.NotFound, "NOT_FOUND"),
    };

    public static TheoryData<string> Names() => new(All.Keys);

    private static Guid OrgA(ServiceFixture f) =>
        f.WithDbAsync(db => Task.FromResult(db.Users.Single(u => u.Name == TestWorld.Owner).OrganizationId!.Value)).GetAwaiter().GetResult();

    private static string Orders(ServiceFixture f) => $"/api/v1/billing-accounts/{f.World.AccountA}/orders";

    private static string Roles(ServiceFixture f) => $"/api/v1/billing-accounts/{f.World.AccountA}/roles";

    private static async Task<HttpResponseMessage> ProfileRole(ServiceFixture f, string body)
    {
        // A profile of account A made in the database (no audit entry): only the refused grant is under test.
        var profile = await f.WithDbAsync(async db =>
        {
            var row = new ProductKeys.Data.Accounts.BillingProfile { Id = Guid.NewGuid(), BillingAccountId = f.World.AccountA, Name = "Probe" };
            db.BillingProfiles.Add(row);
            await db.SaveChangesAsync();
            return row.Id;
        });
        return await Raw(f, Owner, $"/api/v1/billing-accounts/{f.World.AccountA}/profiles/{profile}/roles", body);
    }

    private static Task<HttpResponseMessage> Order(ServiceFixture f, object body) => f.PostJsonAsync(Owner, Orders(f), body);

    private static Task<HttpResponseMessage> Raw(ServiceFixture f, string? user, string path, string body, string contentType = "application/json") =>
        f.SendAsync(user, HttpMethod.Post, path, new StringContent(body, Encoding.UTF8, contentType));

    private static Task<HttpResponseMessage> WithCharset(ServiceFixture f, string? user, string path, string charset)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"product\": \"test-desktop\", \"quantity\": 1}"));
        content.Headers.TryAddWithoutValidation("Content-Type", $"application/json; charset={charset}");
        return f.SendAsync(user, HttpMethod.Post, path, content);
    }

    private static Task<HttpResponseMessage> Chunked(ServiceFixture f, string path, int size)
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"product\": \"" + new string('y', size) + "\"}")));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return f.SendAsync(Owner, HttpMethod.Post, path, content);
    }

    private static async Task<HttpResponseMessage> Forged(ServiceFixture f, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Orders(f)) { Content = JsonContent.Create(new { product = TestWorld.Desktop, quantity = 1 }) };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        return await f.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
