using System.Globalization;
using ProductKeys.Core.Kms;

namespace ProductKeys.Client.Kms;

/// <summary>Where a KMS host listens: a host name or IP address and a port, over HTTP or HTTPS.</summary>
/// <param name="Host">DNS name or IP address (IPv6 without brackets).</param>
/// <param name="Port">TCP port.</param>
/// <param name="Tls">True for a host that serves HTTPS (pinned as <c>https://host:port</c>); SRV-discovered hosts are plain HTTP.</param>
public readonly record struct KmsHostAddress(string Host, int Port, bool Tls = false)
{
    /// <summary>
    /// Reads <c>host</c>, <c>host:port</c> or <c>[v6]:port</c>, optionally after <c>https://</c> (TLS) or
    /// <c>http://</c>; the port defaults to 16880.
    /// </summary>
    public static bool TryParse(string? text, out KmsHostAddress address)
    {
        address = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        var tls = trimmed.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        if (tls || trimmed.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = trimmed[(trimmed.IndexOf("://", StringComparison.Ordinal) + 3)..].TrimEnd('/');
        }

        var colons = trimmed.Count(c => c == ':');
        var withPort = trimmed.StartsWith('[')
            ? (trimmed.Contains("]:", StringComparison.Ordinal) ? trimmed : $"{trimmed}:{KmsProtocol.DefaultPort}")
            : colons switch
            {
                0 => $"{trimmed}:{KmsProtocol.DefaultPort}",
                1 => trimmed,
                _ => $"[{trimmed}]:{KmsProtocol.DefaultPort}",
            };
        if (!Uri.TryCreate($"http://{withPort}", UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host) || uri.PathAndQuery != "/")
        {
            return false;
        }

        address = new KmsHostAddress(uri.Host.Trim('[', ']'), uri.Port, tls);
        return true;
    }

    /// <summary>The URL of the host's activation endpoint.</summary>
    public Uri ActivateUri => new UriBuilder(Tls ? Uri.UriSchemeHttps : Uri.UriSchemeHttp, Host, Port, KmsProtocol.ActivatePath).Uri;

    /// <summary><c>host:port</c> (<c>https://host:port</c> for a TLS host), as the store keeps it.</summary>
    public override string ToString()
    {
        var hostPort = Host.Contains(':', StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"[{Host}]:{Port}")
            : string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");
        return Tls ? "https://" + hostPort : hostPort;
    }
}
