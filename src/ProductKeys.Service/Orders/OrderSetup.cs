using Microsoft.Extensions.DependencyInjection;

namespace ProductKeys.Service.Orders;

internal static class OrderSetup
{
    public static IServiceCollection AddOrders(this IServiceCollection services)
    {
        services.AddOptions<OrderOptions>().BindConfiguration("Orders").ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<OrderPlacement>();
        return services;
    }
}
