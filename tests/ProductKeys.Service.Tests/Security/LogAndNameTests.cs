using System.Collections.Concurrent;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProductKeys.Core.Signing;
using ProductKeys.Service.Hosting;
using ProductKeys.Service.Tests.Activations;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Security;

/// <summary>User text cannot forge log lines; names with control or bidi-override characters are refused.</summary>
public abstract class LogAndNameTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    [Fact]
    public async Task A_user_name_with_CR_LF_writes_one_encoded_log_line()
    {
        var capture = new CapturingLoggerProvider();
        fixture.App.Services.GetRequiredService<ILoggerFactory>().AddProvider(capture);
        var forged = "eve\r\n2026-12-04 info: ProductKeys.Service.Identity[1101] Signed in admin";
        await Problems.AssertAsync(await fixture.PostJsonAsync(null, "/api/v1/sessions", new { user = forged, password = "x" }),
            HttpStatusCode.Unauthorized, "UNAUTHENTICATED");

        var line = Assert.Single(capture.Messages, m => m.Contains("eve", StringComparison.Ordinal));
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\r', line);
        Assert.Contains("eve\\u000d\\u000a2026", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Contoso\u202Egnp.exe")]
    [InlineData("Contoso\u2066isolate")]
    [InlineData("Contoso\nSecond line")]
    [InlineData("Contoso\u001b[31m")]
    public async Task Organization_and_billing_account_names_with_control_or_bidi_characters_are_refused(string name)
    {
        await Problems.AssertAsync(await fixture.PostJsonAsync(TestWorld.Publisher, "/api/v1/organizations", new { name }), HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        var org = await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Publisher, "/api/v1/organizations", new { name = "Plain " + Guid.NewGuid().ToString("N")[..8] }), HttpStatusCode.Created);
        await Problems.AssertAsync(await fixture.PostJsonAsync(TestWorld.Publisher, $"/api/v1/organizations/{org.GetProperty("id").GetString()}/billing-accounts",
            new { name, owner = "nobody" }), HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [Fact]
    public async Task A_KMS_host_id_with_control_characters_is_refused_and_consumes_nothing()
    {
        var (keyId, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Server, 5, "KmsHost");
        using var hostKey = SigningKey.Generate();
        await Problems.AssertAsync(await fixture.PostJsonAsync(null, "/api/v1/kms-host-activations",
            new { key, hostId = "kms-1\r\n2026-12-04 info: forged", hostPublicKey = hostKey.PublicKey.ToPem() }), HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal(0, await fixture.WithDbAsync(db => db.KmsHostActivations.CountAsync(a => a.KeyId == keyId, TestContext.Current.CancellationToken)));
    }

    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("a\r\nb", "a\\u000d\\u000ab")]
    [InlineData("x\u202Ey", "x\\u202ey")]
    [InlineData("tab\there", "tab\\u0009here")]
    [InlineData(null, "(none)")]
    public void Log_text_encodes_control_and_bidi_characters(string? text, string expected) => Assert.Equal(expected, LogText.Safe(text));

    [Fact]
    public void Log_text_is_cut_at_200_characters() => Assert.Equal(new string('a', 200) + "…", LogText.Safe(new string('a', 5000)));

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Messages);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception));
        }
    }
}

public sealed class SqliteLogAndNameTests(SqliteFixture fixture) : LogAndNameTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresLogAndNameTests(PostgresFixture fixture) : LogAndNameTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
