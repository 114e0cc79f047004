using ProductKeys.Client.Store;
using ProductKeys.Core.Kms;

namespace ProductKeys.Client.Kms;

/// <summary>
/// Which KMS hosts to try, in order (docs/product.md §4): the pinned host alone when one is pinned; otherwise
/// the host that answered last, then the SRV records of <c>_pk-kms._tcp.&lt;domain&gt;</c> in RFC 2782 order.
/// </summary>
public static class KmsHostLocator
{
    /// <summary>
    /// The most hosts one attempt tries (the cached one included): each that never answers costs the client's whole
    /// timeout, and DNS on the device's network may name hundreds. The next attempt orders the records anew.
    /// </summary>
    internal const int MaxCandidates = 10;

    /// <summary>The candidates, each once, in the order to try them; at most <see cref="MaxCandidates"/>.</summary>
    /// <param name="license">The store (pinned and cached hosts, domain).</param>
    /// <param name="resolver">SRV lookups.</param>
    /// <param name="domain">The domain to discover in; <c>null</c>: the store's, else the system's search domains.</param>
    /// <param name="randomUpTo">The weighted-selection random source (0 to its argument inclusive); <c>null</c>: cryptographic.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    public static async Task<IReadOnlyList<KmsHostAddress>> CandidatesAsync(
        StoredLicense license, IKmsSrvResolver resolver, string? domain, Func<int, int>? randomUpTo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(license);
        ArgumentNullException.ThrowIfNull(resolver);
        if (KmsHostAddress.TryParse(license.KmsHost, out var pinned))
        {
            return [pinned];
        }

        var candidates = new List<KmsHostAddress>();
        if (KmsHostAddress.TryParse(license.KmsCachedHost, out var cached))
        {
            candidates.Add(cached);
        }

        var chosen = domain ?? license.KmsDomain;
        IReadOnlyList<string> domains = chosen is not null ? [chosen] : DnsSrvResolver.SystemSearchDomains();
        // A name DNS cannot carry (a store written before the rule, a search domain in resolv.conf) made the DNS
        // client throw out of the product's activation; it names no host (KmsDomainName).
        foreach (var name in domains.Where(KmsDomainName.IsValid))
        {
            var records = await resolver.ResolveAsync(KmsProtocol.SrvPrefix + name.TrimEnd('.'), cancellationToken).ConfigureAwait(false);
            foreach (var record in randomUpTo is null ? SrvOrdering.Order(records) : SrvOrdering.Order(records, randomUpTo))
            {
                var address = new KmsHostAddress(record.Target, record.Port);
                if (!candidates.Contains(address))
                {
                    candidates.Add(address);
                }

                if (candidates.Count == MaxCandidates)
                {
                    return candidates;
                }
            }

            if (records.Count > 0)
            {
                break;
            }
        }

        return candidates;
    }
}
