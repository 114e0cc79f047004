using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ProductKeys.Hosting;

/// <summary>
/// What keeps a pk server up under a connection flood (issue #13 item 2, docs/adr/0021-connection-floods.md),
/// one call for each of <c>pk server</c>, the KMS host and the CAL server: every listener holds at most
/// <see cref="ConnectionLimits"/> connections (<see cref="ListenerBudget"/>), the whole server no more
/// than its file limit allows (<see cref="FileCeiling"/>), and an accept that fails for want of
/// descriptors is waited out and logged (<see cref="PatientSocketListener"/>, <see cref="DescriptorReserve"/>).
/// </summary>
public static class ConnectionGuard
{
    /// <summary>Bounds the connections of each of the <paramref name="listeners"/> addresses; call before <c>Build()</c>.</summary>
    /// <param name="builder">The server being built.</param>
    /// <param name="listeners">How many addresses it listens on (the default budget is shared between them).</param>
    /// <returns>The limit per listener.</returns>
    /// <exception cref="InvalidOperationException"><c>Connections:Max</c> is not a positive whole number.</exception>
    public static long AddConnectionGuard(this WebApplicationBuilder builder, int listeners)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var limit = ConnectionLimits.Resolve(builder.Configuration, listeners);
        // Kestrel binds each address through the last transport registered that can: Kestrel's own stays
        // for Unix sockets and handles. Waits and log pacing go by the wall clock, whatever clock the host's rules use.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectionListenerFactory, SocketTransportFactory>());
        builder.Services.AddSingleton<IConnectionListenerFactory>(services => new PatientSocketTransport(
            services.GetRequiredService<IOptions<SocketTransportOptions>>(), services.GetRequiredService<ILoggerFactory>(), TimeProvider.System));
        builder.Services.AddSingleton(services => new FileCeiling(
            ConnectionLimits.Ceiling(), services.GetRequiredService<ILoggerFactory>().CreateLogger(ConnectionLog.Category), TimeProvider.System));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen =>
        {
            var services = listen.ApplicationServices;
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(ConnectionLog.Category);
            listen.Use(new ListenerBudget(limit, services.GetRequiredService<FileCeiling>(), () => listen.EndPoint.ToString()!, logger, TimeProvider.System).Around);
        }));
        return limit;
    }
}
