using System.Net;

namespace ProductKeys.Service.Health;

/// <summary>
/// Section "Metrics": who may read <c>/metrics</c>. Its counters are the publisher's business (orders placed, keys issued,
/// activations per product kind and result, failed sign-ins), so a node answers them only to its monitoring network, by
/// default loopback and the private ranges where Prometheus scrapes nodes directly. Behind a load balancer whose
/// X-Forwarded-For the node believes (<c>Proxies:Known</c>), a client's address is its own, so the internet is refused too;
/// docs/deploy/haproxy.cfg also answers <c>/metrics</c> itself with 404.
/// </summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Loopback, RFC 1918, IPv6 unique local addresses.</summary>
    public static readonly IReadOnlyList<string> DefaultNetworks = ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"];

    /// <summary>Networks in CIDR notation, e.g. "10.20.0.0/16"; unset: <see cref="DefaultNetworks"/>. "0.0.0.0/0" and "::/0" open it to all.</summary>
    public IReadOnlyList<string>? AllowedNetworks { get; set; }

    public IReadOnlyList<string> Networks => AllowedNetworks is { Count: > 0 } given ? given : DefaultNetworks;

    /// <summary>Whether every network parses (checked at start).</summary>
    public bool NetworksAreValid() => Networks.All(n => IPNetwork.TryParse(n, out _));
}
