using Microsoft.AspNetCore.Authentication;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ProductKeys.Core.Errors;
using ProductKeys.Service.Errors;
using ProductKeys.Service.Throttling;

namespace ProductKeys.Service.Identity;

internal static class IdentitySetup
{
    public const string SignInPolicy = "sign-in";

    public static IServiceCollection AddTokenAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        services.AddOptions<SignInOptions>().BindConfiguration("SignIn").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TokenOptions>().BindConfiguration(TokenOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.SessionMaximum >= o.Lifetime, "Tokens:SessionMaximum must be at least Tokens:Lifetime.")
            .Validate(o => o.PortalSessionMaximum >= o.PortalLifetime, "Tokens:PortalSessionMaximum must be at least Tokens:PortalLifetime.").ValidateOnStart();
        services.TryAddSingleton<SharedThrottle>();
        services.AddSingleton<SignInThrottle>();
        services.AddScoped<PasswordSignIn>();
        services.AddRateLimiter(o =>
        {
            o.OnRejected = (context, _) => new ValueTask(ApiProblems.From(ErrorCatalogue.RateLimited,
                "Too many sign-in attempts from this address: wait a minute.").ExecuteAsync(context.HttpContext));
            o.AddPolicy(SignInPolicy, http =>
            {
                var limit = http.RequestServices.GetRequiredService<IOptions<SignInOptions>>().Value.MaxAttemptsPerAddress;
                return RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
        });
        return services;
    }
}
