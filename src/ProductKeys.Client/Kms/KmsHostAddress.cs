using System.Globalization;
using ProductKeys.Core.Kms;

namespace ProductKeys.Client.Kms;

/// <summary>Where a KMS host listens: a host name or IP address and a port.</summary>
/// <param name="Host">DNS name or IP address (IPv6 without brackets).</param>
/// <param name="Port">TCP port.</param>
public readonly record struct KmsHostAddress(string Host, int Port)
{
    /// <summary>Reads <c>host</c>, <c>host:port</c> or <c>[v6]:port</c>; the port defaults to 16880.</summary>
    public static bool TryParse(string? text, out KmsHostAddress address)
    {
        address = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
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

        address = new KmsHostAddress(uri.Host.Trim('[', ']'), uri.Port);
        return true;
    }

    /// <summary>The URL of the host's activation endpoint.</summary>
    public Uri ActivateUri => new UriBuilder(Uri.UriSchemeHttp, Host, Port, KmsProtocol.ActivatePath).Uri;

    /// <summary><c>host:port</c>, as the store keeps it.</summary>
    public override string ToString() =>
        Host.Contains(':', StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"[{Host}]:{Port}")
            : string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");
}
