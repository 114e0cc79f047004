using System.Diagnostics.CodeAnalysis;

namespace ProductKeys.Cli.Output;

/// <summary>Reads a service URL typed on the command line; always ends with '/' so relative API paths resolve under it.</summary>
internal static class ServiceUrl
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out Uri? url)
    {
        url = null;
        if (!Uri.TryCreate(text?.Trim(), UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
        {
            return false;
        }

        url = parsed.AbsoluteUri.EndsWith('/') ? parsed : new Uri(parsed.AbsoluteUri + "/");
        return true;
    }
}
