using System.Net;
using Microsoft.Extensions.Options;
using ProductKeys.Data;
using ProductKeys.Service.Throttling;

namespace ProductKeys.Service.Activations;

/// <summary>
/// Counts failed key guesses (a checksum-valid key whose security value or row is unknown) per client
/// in the database, shared by every node. Only failures are counted and only failures are throttled:
/// once an address is over its limit its failures answer RATE_LIMITED instead of KEY_UNKNOWN, while
/// real keys from the same address (devices behind one NAT) still activate, and a success costs no
/// throttle read or write. Typos (KEY_MALFORMED, KEY_CHECKSUM) are not counted: they are checked
/// without any secret and tell a guesser nothing. IPv6 clients count per /64 (one host usually holds
/// a whole /64). There is deliberately no limit per key group: a product's group is public (its setup
/// keys), so such a limit would let anyone lock every customer of a product out. What stops guessing
/// is the 50-bit security value (docs/security.md); forgeries show in pk_activations_total{result="KEY_UNKNOWN"}.
/// </summary>
internal sealed class GuessThrottle(IOptions<ActivationOptions> options, SharedThrottle shared)
{
    /// <summary>Counts a failed guess; true when the client is now over its limit.</summary>
    public async Task<bool> RecordFailureAsync(LicensingDbContext db, IPAddress? client, CancellationToken ct)
    {
        var window = TimeSpan.FromSeconds(options.Value.WindowSeconds);
        return await shared.RecordFailureAsync(db, "guess:" + Partition(client), options.Value.MaxFailuresPerAddress, window, _ => window, ct);
    }

    internal static string Partition(IPAddress? client)
    {
        if (client is null)
        {
            return "unknown";
        }

        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }

        if (client.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            var bytes = client.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }

        return client.ToString();
    }
}
