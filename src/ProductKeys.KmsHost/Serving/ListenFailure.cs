using Microsoft.AspNetCore.Http;
using ProductKeys.Core.Errors;

namespace ProductKeys.KmsHost.Serving;

/// <summary>
/// The operator's mistakes in where a server listens (a malformed --urls, a port another program
/// holds), said as refusals with their own codes instead of a stack trace. Shared by
/// <c>pk kms-host serve</c>, the native <c>pk-kms-host</c> and <c>pk server</c>.
/// </summary>
public static class ListenFailure
{
    /// <summary>Splits and checks --urls before anything starts (Kestrel's own parser, http and https only, ports 0–65535).</summary>
    /// <param name="urls">The option's value: addresses separated by ';'.</param>
    /// <param name="addresses">The addresses, when valid.</param>
    /// <returns><c>URLS_INVALID</c> naming the first bad address, or <c>null</c>.</returns>
    public static Refusal? CheckUrls(string? urls, out string[] addresses)
    {
        addresses = (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (addresses.Length == 0)
        {
            return new Refusal(ErrorCatalogue.UrlsInvalid, "--urls names no address.");
        }

        foreach (var url in addresses)
        {
            BindingAddress parsed;
            try
            {
                parsed = BindingAddress.Parse(url);
            }
            catch (FormatException)
            {
                return new Refusal(ErrorCatalogue.UrlsInvalid, $"--urls: '{url}' is not an address to listen on.");
            }

            if (!parsed.Scheme.Equals("http", StringComparison.OrdinalIgnoreCase) && !parsed.Scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
            {
                return new Refusal(ErrorCatalogue.UrlsInvalid, $"--urls: '{url}' is not http:// or https://.");
            }

            if (!parsed.IsUnixPipe && parsed.Port is < 0 or > 65535)
            {
                return new Refusal(ErrorCatalogue.UrlsInvalid, $"--urls: '{url}' names port {parsed.Port}; ports run from 0 to 65535.");
            }

            // Kestrel listens on every interface for a host it cannot read as an address: a typo such as
            // 999.1.1.1 or a host name would quietly expose the server to the whole network.
            if (!parsed.IsUnixPipe && !IsListenableHost(parsed.Host))
            {
                return new Refusal(ErrorCatalogue.UrlsInvalid,
                    $"--urls: '{url}' names host '{parsed.Host}': listen on an IP address (127.0.0.1, 0.0.0.0, [::]), localhost, or * for every interface.");
            }
        }

        return null;
    }

    private static bool IsListenableHost(string host) =>
        host is "*" or "+"
        || host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || System.Net.IPAddress.TryParse(host.Trim('[', ']'), out _);

    /// <summary>The refusal for an exception thrown while the server started listening, or <c>null</c> when it is not the operator's mistake.</summary>
    public static Refusal? Explain(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                return new Refusal(ErrorCatalogue.AddressInUse, exception.Message);
            }
        }

        return null;
    }
}
