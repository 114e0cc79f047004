using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ProductKeys.Service.Activations;

internal static class ActivationSetup
{
    public static IServiceCollection AddActivations(this IServiceCollection services)
    {
        services.AddOptions<ActivationOptions>().BindConfiguration(ActivationOptions.Section)
            .Validate(o => o.MaxFailuresPerAddress > 0 && o.WindowSeconds > 0 && o.MaxOfflineBatch > 0,
                "Activations limits must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton<Throttling.SharedThrottle>();
        services.AddSingleton<GuessThrottle>();
        services.AddSingleton<SqliteWriteGate>();
        services.AddSingleton<SqliteActivationWriter>();
        services.AddSingleton<SqliteKeyReads>();
        services.AddSingleton<PostgresActivationWriter>();
        services.AddScoped<IssuedKeyLookup>();
        services.AddScoped<MakActivationRows>();
        services.AddScoped<MakActivations>();
        services.AddScoped<KmsHostActivations>();
        services.AddScoped<OfflineActivations>();
        services.AddSingleton<Catalog.CalProducts>();
        services.AddScoped<CalPackActivations>();
        return services;
    }
}
