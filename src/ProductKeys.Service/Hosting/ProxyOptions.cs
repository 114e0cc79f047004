namespace ProductKeys.Service.Hosting;

/// <summary>
/// Section "Proxies": the load balancers whose X-Forwarded-For and X-Forwarded-Proto the service
/// believes. Without them every device behind a balancer would share its address (sign-in and guess
/// limits are per client), and a portal behind one that ends TLS would set cookies without Secure.
/// </summary>
public sealed class ProxyOptions
{
    public const string Section = "Proxies";

    /// <summary>Addresses of trusted proxies, e.g. "10.0.0.5"; loopback is always trusted.</summary>
    public IReadOnlyList<string> Known { get; set; } = [];
}
