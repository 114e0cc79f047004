using System.Net;
using DnsClient;
using DnsClient.Protocol;

namespace ProductKeys.Client.Kms;

/// <summary>SRV lookups with DnsClient, against the system's name servers or a given one.</summary>
public sealed class DnsSrvResolver : IKmsSrvResolver
{
    private readonly LookupClient _client;

    /// <summary>Uses <paramref name="nameServer"/>, or the system's name servers when <c>null</c>.</summary>
    public DnsSrvResolver(IPEndPoint? nameServer = null)
    {
        var options = nameServer is null ? new LookupClientOptions() : new LookupClientOptions(nameServer);
        options.UseCache = false;
        options.Timeout = TimeSpan.FromSeconds(3);
        options.Retries = 1;
        options.ThrowDnsErrors = false;
        options.ContinueOnDnsError = true;
        _client = new LookupClient(options);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SrvTarget>> ResolveAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await _client.QueryAsync(name, QueryType.SRV, QueryClass.IN, cancellationToken).ConfigureAwait(false);
            return [.. answer.Answers.OfType<SrvRecord>()
                .Select(r => new SrvTarget(r.Target.Value.TrimEnd('.'), r.Port, r.Priority, r.Weight))];
        }
        catch (DnsResponseException)
        {
            return [];
        }
    }

    /// <summary>
    /// The search domains of <c>/etc/resolv.conf</c> (<c>search</c>, or else <c>domain</c>; the last
    /// such line wins, as in the resolver), or none.
    /// </summary>
    public static IReadOnlyList<string> SystemSearchDomains(string path = "/etc/resolv.conf")
    {
        try
        {
            if (!File.Exists(path))
            {
                return [];
            }

            IReadOnlyList<string> domains = [];
            foreach (var line in File.ReadLines(path))
            {
                var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && parts[0] is "search" or "domain")
                {
                    domains = [.. parts.Skip(1).Select(d => d.TrimEnd('.')).Where(d => d.Length > 0)];
                }
            }

            return domains;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
