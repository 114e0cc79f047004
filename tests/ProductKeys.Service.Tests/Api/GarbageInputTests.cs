using System.Text;
using System.Text.Json;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Api;

/// <summary>Every body-taking endpoint × garbage bodies: always a 4xx problem with a code, never a 500.</summary>
public abstract class GarbageInputTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    [Theory]
    [MemberData(nameof(GarbageCases.All), MemberType = typeof(GarbageCases))]
    public async Task Garbage_is_refused_with_a_code_and_never_a_500(string path, string body)
    {
        var org = await fixture.WithDbAsync(db => Task.FromResult(db.Users.Single(u => u.Name == TestWorld.Owner).OrganizationId!.Value));
        var key = await fixture.WithDbAsync(db => Task.FromResult(db.Keys.First().Id));
        var resolved = path.Replace("{A}", fixture.World.AccountA.ToString(), StringComparison.Ordinal)
            .Replace("{O}", org.ToString(), StringComparison.Ordinal).Replace("{K}", key.ToString(), StringComparison.Ordinal);
        foreach (var user in new[] { TestWorld.Owner, TestWorld.Publisher })
        {
            var response = await fixture.SendAsync(user, HttpMethod.Post, resolved, new StringContent(body, Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{user} POST {path} '{body}' → {(int)response.StatusCode}: {text}");
            using var problem = JsonDocument.Parse(text);
            Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("code").GetString()));
        }
    }
}

public sealed class SqliteGarbageInputTests(SqliteFixture fixture) : GarbageInputTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresGarbageInputTests(PostgresFixture fixture) : GarbageInputTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
