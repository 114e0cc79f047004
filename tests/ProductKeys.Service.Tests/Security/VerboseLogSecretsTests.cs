using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProductKeys.Service.Portal;
using ProductKeys.Service.Tests.Activations;
using ProductKeys.Service.Tests.Infrastructure;
using ProductKeys.Service.Tests.Portal;

namespace ProductKeys.Service.Tests.Security;

/// <summary>
/// "Secrets and tokens are never logged; keys appear only by their last five characters" (docs/operations.md), also when
/// an operator turns every category up to Trace, ASP.NET Core's and Entity Framework's included, to chase a problem.
/// </summary>
public sealed class VerboseLogSecretsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task At_trace_level_no_log_entry_holds_a_password_a_token_or_a_product_key()
    {
        const string WrongPassword = "wrong pass phrase 7c1e";
        var node = new SqliteFixture
        {
            ExtraConfiguration = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Trace",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
                ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Trace",
            },
        };
        var capture = new CapturingLoggerProvider();
        string token;
        string key;
        try
        {
            await node.InitializeAsync();
            node.App.Services.GetRequiredService<ILoggerFactory>().AddProvider(capture);

            // The API: a wrong and a right password, then a request with the token.
            await Problems.AssertAsync(await node.PostJsonAsync(null, "/api/v1/sessions", new { user = TestWorld.Owner, password = WrongPassword }),
                HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
            token = (await Problems.OkJsonAsync(await node.PostJsonAsync(null, "/api/v1/sessions", new { user = TestWorld.Owner, password = TestWorld.Password })))
                .GetProperty("token").GetString()!;
            key = (await ActivationWorld.OrderKeyAsync(node, TestWorld.Desktop, 5)).Key;
            await Problems.OkJsonAsync(await ActivationWorld.ActivateAsync(node.Client, key, TestWorld.Desktop, ActivationWorld.Device("verbose-1", TestWorld.Desktop)));

            // The portal's sign-in form: a wrong and a right password.
            var portal = new Uri(node.App.Urls.First());
            var form = await PortalForm.RenderAsync(portal, PortalPaths.Home, "/portal/sign-in");
            using (var refused = await form.PostAsync(portal, ("user", TestWorld.Owner), ("password", WrongPassword)))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }

            form = await PortalForm.RenderAsync(portal, PortalPaths.Home, "/portal/sign-in");
            using var signedIn = await form.PostAsync(portal, ("user", TestWorld.Owner), ("password", TestWorld.Password));
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            Assert.NotNull(PortalForm.SessionFrom(signedIn));
        }
        finally
        {
            await node.DisposeAsync();
        }

        Assert.NotEmpty(capture.Messages);
        foreach (var secret in (string[])[TestWorld.Password, WrongPassword, token, key, key.Replace("-", "", StringComparison.Ordinal)])
        {
            var leaks = capture.Messages.Where(m => m.Contains(secret, StringComparison.Ordinal)).ToList();
            Assert.True(leaks.Count == 0, string.Join(Environment.NewLine, leaks));
        }
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Messages);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue($"{category}[{eventId.Id}] {formatter(state, exception)} {exception}");
        }
    }
}
