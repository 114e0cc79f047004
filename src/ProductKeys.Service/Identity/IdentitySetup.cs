using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;

namespace ProductKeys.Service.Identity;

internal static class IdentitySetup
{
    public static IServiceCollection AddTokenAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        services.AddOptions<SignInOptions>().BindConfiguration("SignIn").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SignInThrottle>();
        return services;
    }
}
