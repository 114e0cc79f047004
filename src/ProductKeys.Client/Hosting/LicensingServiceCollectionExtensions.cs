using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ProductKeys.Client.Hosting;

/// <summary>Licensing for hosted apps (workers, web apps): one line in <c>Program.cs</c>.</summary>
public static class LicensingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ProductLicense"/> as a singleton (inject it to ask <see cref="ProductLicense.Status"/>)
    /// and a hosted service that runs its renewal loop from start until the host stops, logging each attempt.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configure">Sets the product ID and the embedded publisher keys, at least.</param>
    public static IServiceCollection AddProductKeysLicensing(this IServiceCollection services, Action<ProductLicenseOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton(_ =>
        {
            var options = new ProductLicenseOptions();
            configure(options);
            return new ProductLicense(options);
        });
        services.AddHostedService(provider => new LicenseRenewalService(
            provider.GetRequiredService<ProductLicense>(), provider.GetRequiredService<ILogger<LicenseRenewalService>>()));
        return services;
    }
}
