using ProductKeys.Core.Contracts;
using ProductKeys.Core.Devices;
using ProductKeys.Core.Errors;

namespace ProductKeys.KmsHost.Clients;

/// <summary>Checks a client request field by field; nothing malformed reaches the database.</summary>
internal static class KmsRequestValidator
{
    /// <summary>The license states a client may report (docs/product.md §3).</summary>
    public static readonly IReadOnlySet<string> ClientStates = new HashSet<string>(StringComparer.Ordinal)
    {
        "Unlicensed", "InitialGrace", "Licensed", "OutOfToleranceGrace", "Notification",
    };

    public static Refusal? Check(KmsActivationRequest? request)
    {
        if (request is null)
        {
            return Invalid("The body must be a JSON object.");
        }

        if (request.Cmid is not { Length: >= 1 and <= 64 } cmid || !cmid.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return Invalid("cmid must be 1 to 64 characters of A-Z a-z 0-9 - _ .");
        }

        if (request.Product is not { Length: >= 1 and <= 128 } product || product.Any(char.IsControl) || product.Trim() != product)
        {
            return Invalid("product must be a product id of 1 to 128 characters.");
        }

        if (request.ClientState is null || !ClientStates.Contains(request.ClientState))
        {
            return Invalid($"clientState must be one of {string.Join(", ", ClientStates)}.");
        }

        if (!HardwareId.TryParse(request.HardwareId, out var hardware) || hardware.IsEmpty)
        {
            return Invalid("hardwareId must be a hardware ID in text form (docs/formats/hardware-id-v1.md).");
        }

        if (request.KeyGroup is < 0 or > Core.Keys.ProductKey.MaxGroup)
        {
            return Invalid($"keyGroup must be a key group from 0 to {Core.Keys.ProductKey.MaxGroup}, or left out.");
        }

        return request.ClientTime is null ? Invalid("clientTime is required (the device's clock, ISO 8601).") : null;
    }

    private static Refusal Invalid(string detail) => new(ErrorCatalogue.ValidationFailed, detail);
}
