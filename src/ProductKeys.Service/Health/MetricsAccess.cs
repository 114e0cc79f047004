using System.Net;
using Microsoft.Extensions.Options;

namespace ProductKeys.Service.Health;

/// <summary>Whether a client may read <c>/metrics</c> (<see cref="MetricsOptions"/>).</summary>
internal sealed class MetricsAccess(IOptions<MetricsOptions> options)
{
    private readonly IPNetwork[] _networks = [.. options.Value.Networks.Select(n => IPNetwork.Parse(n))];

    /// <summary>Only a known address in an allowed network: every connection over TCP has one, so none means refused.</summary>
    public bool Allows(IPAddress? client)
    {
        if (client is null)
        {
            return false;
        }

        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4(); // a dual-stack listener sees 127.0.0.1 as ::ffff:127.0.0.1
        }

        return _networks.Any(n => n.Contains(client));
    }
}
