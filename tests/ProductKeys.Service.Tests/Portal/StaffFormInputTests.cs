using System.Net;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Data.Keys;
using ProductKeys.Service.Portal;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Portal;

/// <summary>
/// A yes/no field of a portal form that is neither yes nor no is refused and changes nothing. Model binding read any
/// other value as false: "block=garbage" unblocked a blocked key, "split=garbage" placed an unsplit order (found by a
/// hostile review of the portal).
/// </summary>
public sealed class StaffFormInputTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Uri Node => new(fixture.App.Urls.First());

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    [InlineData("0")]
    public async Task A_block_field_neither_true_nor_false_is_VALIDATION_FAILED_and_leaves_the_key_blocked(string value)
    {
        var session = await SignInAsync(TestWorld.Publisher);
        var keyId = await fixture.WithDbAsync(db => db.Keys.Where(k => k.BillingAccountId == fixture.World.AccountA).Select(k => k.Id).FirstAsync(Ct));
        var action = PortalPaths.Manage(fixture.World.AccountA) + "?handler=Status";
        var form = await PortalForm.RenderAsync(Node, PortalPaths.Manage(fixture.World.AccountA), action, session);
        using (var blocked = await form.PostAsync(Node, ("keyId", keyId.ToString()), ("block", "true")))
        {
            Assert.Equal(HttpStatusCode.Redirect, blocked.StatusCode);
        }

        try
        {
            using var response = await form.PostAsync(Node, ("keyId", keyId.ToString()), ("block", value));

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("VALIDATION_FAILED", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            Assert.Equal(KeyStatus.Blocked, await StatusAsync(keyId));
        }
        finally
        {
            using var unblocked = await form.PostAsync(Node, ("keyId", keyId.ToString()), ("block", "false"));
            Assert.Equal(HttpStatusCode.Redirect, unblocked.StatusCode);
            Assert.Equal(KeyStatus.Active, await StatusAsync(keyId));
        }
    }

    [Fact]
    public async Task A_split_field_that_is_not_true_is_VALIDATION_FAILED_and_places_no_order()
    {
        var session = await SignInAsync(TestWorld.Owner);
        var orders = PortalPaths.Orders(fixture.World.AccountA);
        var form = await PortalForm.RenderAsync(Node, orders, orders, session);
        var before = await fixture.WithDbAsync(db => db.Orders.CountAsync(Ct));

        using var response = await form.PostAsync(Node, ("product", TestWorld.Cal), ("quantity", "900"), ("split", "garbage"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("VALIDATION_FAILED", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(before, await fixture.WithDbAsync(db => db.Orders.CountAsync(Ct)));
    }

    private Task<KeyStatus> StatusAsync(Guid keyId) =>
        fixture.WithDbAsync(db => db.Keys.AsNoTracking().Where(k => k.Id == keyId).Select(k => k.Status).SingleAsync(Ct));

    private Task<string> SignInAsync(string user) => PortalForm.SignInAsync(Node, user, TestWorld.Password);
}
