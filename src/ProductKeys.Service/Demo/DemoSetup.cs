using Microsoft.Extensions.DependencyInjection;

namespace ProductKeys.Service.Demo;

internal static class DemoSetup
{
    public static IServiceCollection AddDemo(this IServiceCollection services) => services.AddScoped<DemoSeeder>();
}
