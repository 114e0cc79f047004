using Microsoft.Extensions.DependencyInjection;

namespace ProductKeys.Service.Audit;

internal static class AuditSetup
{
    public static IServiceCollection AddAudit(this IServiceCollection services) => services.AddScoped<AuditLog>();
}
