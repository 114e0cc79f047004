using ProductKeys.Core.Kms;

namespace ProductKeys.Client.Kms;

/// <summary>
/// What a KMS discovery domain may be (<c>--kms-domain</c>, <see cref="ProductLicenseOptions.KmsDomain"/>): a DNS name
/// under which <c>_pk-kms._tcp</c> can be asked. The DNS client throws on a name DNS cannot carry (a label over 63
/// bytes), which reached a product as an exception from <see cref="ProductLicense.ActivateAsync"/> and every
/// <c>pk ato</c> on the store as <c>INTERNAL_ERROR</c>; such a name is refused where it is given and never looked up.
/// </summary>
public static class KmsDomainName
{
    /// <summary>The longest domain: the SRV name it makes (<see cref="KmsProtocol.SrvPrefix"/>, 13 characters, + domain) stays within DNS's 253.</summary>
    public const int MaxLength = 240;

    /// <summary>The rule in words, for refusals.</summary>
    public const string Rule = "a DNS domain such as corp.example: labels of 1 to 63 ASCII letters, digits, hyphens or underscores, separated by dots, 240 characters at most";

    /// <summary>True for a domain <see cref="Rule"/> allows; one final dot is allowed (a fully qualified name).</summary>
    /// <param name="domain">The domain as given.</param>
    public static bool IsValid(string? domain)
    {
        var name = domain is not null && domain.EndsWith('.') ? domain[..^1] : domain;
        return name is { Length: >= 1 and <= MaxLength }
            && name.Split('.').All(label => label.Length is >= 1 and <= 63
                && label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
    }
}
