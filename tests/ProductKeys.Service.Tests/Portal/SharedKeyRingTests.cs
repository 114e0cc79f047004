using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ProductKeys.Service.Portal;
using ProductKeys.Service.Portal.KeyRing;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Portal;

/// <summary>
/// The portal's antiforgery key ring lives in the database (docs/adr/0022-portal.md): a form rendered by one
/// node is accepted by another node of the same database, and by a node started after the one that rendered it stopped.
/// </summary>
public abstract class SharedKeyRingTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    private const string SignIn = "/portal/sign-in";
    private const string SignOut = "/portal/sign-out";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_form_rendered_by_one_node_is_accepted_by_another_node_of_the_same_database()
    {
        await using var other = await StartNodeAsync("other-node");
        var first = new Uri(fixture.App.Urls.First());
        var second = new Uri(other.App.Urls.First());

        var signInForm = await PortalForm.RenderAsync(first, PortalPaths.Home, SignIn);
        using var signedIn = await signInForm.PostAsync(second, ("user", TestWorld.Owner), ("password", TestWorld.Password));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(PortalPaths.Accounts, signedIn.Headers.Location?.OriginalString);
        var session = PortalForm.SessionFrom(signedIn) ?? throw new InvalidOperationException("The sign-in set no session cookie.");

        // Signed in, the token is bound to the user: the other node renders the sign-out form, the first accepts it.
        var signOutForm = await PortalForm.RenderAsync(second, PortalPaths.Accounts, SignOut, session);
        using var signedOut = await signOutForm.PostAsync(first);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(PortalPaths.Home, signedOut.Headers.Location?.OriginalString);
        using var client = PortalForm.NewClient(second);
        using var request = new HttpRequestMessage(HttpMethod.Get, PortalPaths.Accounts);
        request.Headers.Add("Cookie", $"{PortalForm.SessionCookie}={session}");
        using var afterSignOut = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Redirect, afterSignOut.StatusCode); // the session row is gone: back to the sign-in page
    }

    [Fact]
    public async Task A_form_rendered_before_a_restart_is_accepted_after_it()
    {
        PortalForm form;
        await using (var before = await StartNodeAsync("restarted-node"))
        {
            form = await PortalForm.RenderAsync(new Uri(before.App.Urls.First()), PortalPaths.Home, SignIn);
        }

        await using var after = await StartNodeAsync("restarted-node");
        using var signedIn = await form.PostAsync(new Uri(after.App.Urls.First()), ("user", TestWorld.Owner), ("password", TestWorld.Password));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.NotNull(PortalForm.SessionFrom(signedIn));
    }

    [Fact]
    public async Task A_form_without_its_cookie_is_still_refused()
    {
        var form = await PortalForm.RenderAsync(new Uri(fixture.App.Urls.First()), PortalPaths.Home, SignIn);
        using var refused = await (form with { Cookies = "pk_antiforgery=x" }).PostAsync(new Uri(fixture.App.Urls.First()), ("user", TestWorld.Owner), ("password", TestWorld.Password));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("VALIDATION_FAILED", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ring_is_in_the_database_with_each_keys_secret_encrypted()
    {
        _ = await PortalForm.RenderAsync(new Uri(fixture.App.Urls.First()), PortalPaths.Home, SignIn);
        var rows = await fixture.WithDbAsync(db => db.DataProtectionKeys.AsNoTracking().ToListAsync(Ct));
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            Assert.StartsWith("key-", row.FriendlyName, StringComparison.Ordinal);
            Assert.True(row.Xml.Contains("<pkPortalKeyRing version=\"1\"", StringComparison.Ordinal), row.Xml);
            Assert.DoesNotContain("masterKey", row.Xml, StringComparison.Ordinal);
        }
    }

    /// <summary>A Data Protection key with its master key in clear, newest of all, as a database writer could plant it.</summary>
    private static readonly string PlantedKey =
        "<key id=\"" + Guid.NewGuid() + "\" version=\"1\"><creationDate>2026-12-01T00:00:00Z</creationDate><activationDate>2026-12-01T00:00:00Z</activationDate>"
        + "<expirationDate>2099-01-01T00:00:00Z</expirationDate><descriptor deserializerType=\"Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel.AuthenticatedEncryptorDescriptorDeserializer, Microsoft.AspNetCore.DataProtection\">"
        + "<descriptor><encryption algorithm=\"AES_256_CBC\" /><validation algorithm=\"HMACSHA256\" /><masterKey><value>" + Convert.ToBase64String(new byte[64]) + "</value></masterKey></descriptor></descriptor></key>";

    [Fact]
    public async Task A_ring_row_that_is_not_XML_or_not_encrypted_by_the_service_is_skipped_and_the_portal_keeps_its_forms()
    {
        _ = fixture.App;
        const string junk = "key-not-xml";
        await fixture.WithDbAsync(async db =>
        {
            db.DataProtectionKeys.Add(new ProductKeys.Data.Portal.DataProtectionKey { FriendlyName = junk, Xml = "<key id=\"oops" });
            // A key planted by someone who can write the database but lacks the secrets folder: not believed.
            db.DataProtectionKeys.Add(new ProductKeys.Data.Portal.DataProtectionKey { FriendlyName = junk + "-planted", Xml = PlantedKey });
            return await db.SaveChangesAsync(Ct);
        });
        try
        {
            await using var node = await StartNodeAsync("junk-row-node");
            var address = new Uri(node.App.Urls.First());
            var form = await PortalForm.RenderAsync(address, PortalPaths.Home, SignIn);
            using var signedIn = await form.PostAsync(address, ("user", TestWorld.Owner), ("password", TestWorld.Password));
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);

            // What the ring is made of: the service's encrypted keys, neither the junk nor the planted key.
            var repository = new DatabaseXmlRepository(fixture.App.Services.GetRequiredService<IServiceScopeFactory>(), NullLogger<DatabaseXmlRepository>.Instance);
            var elements = repository.GetAllElements();
            Assert.NotEmpty(elements);
            Assert.All(elements, e => Assert.NotEmpty(e.Descendants(KeyRingEncryption.ElementName)));
            Assert.DoesNotContain(elements, e => e.ToString().Contains("masterKey", StringComparison.Ordinal));
        }
        finally
        {
            await fixture.WithDbAsync(db => db.DataProtectionKeys.Where(k => k.FriendlyName.StartsWith(junk)).ExecuteDeleteAsync(Ct));
        }
    }

    /// <summary>
    /// A node of the fixture's database and secrets. On PostgreSQL it gets a data folder of its own, as a node on
    /// another machine has; on SQLite the database is in the data folder, so nodes share it.
    /// </summary>
    private Task<ExtraNode> StartNodeAsync(string name)
    {
        _ = fixture.App; // skips when the fixture's database is unavailable
        return fixture.PostgresConnectionString is null
            ? ExtraNode.StartAsync(fixture)
            : ExtraNode.StartAsync(fixture.Options with
            {
                DataDirectory = Path.Combine(fixture.DataDirectory, name),
                SecretsDirectory = Path.Combine(fixture.DataDirectory, "secrets"),
                Migrate = false,
            });
    }
}

public sealed class SqliteSharedKeyRingTests(SqliteFixture fixture) : SharedKeyRingTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresSharedKeyRingTests(PostgresFixture fixture) : SharedKeyRingTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
