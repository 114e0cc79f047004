using System.Text.Json;
using ProductKeys.KmsHost.Clients;

namespace ProductKeys.Fuzz.Harnesses;

/// <summary>
/// The body of <c>POST /kms/v1/activate</c> (docs/formats/kms-protocol-v1.md) as the KMS host reads
/// it: the same source-generated reader, where malformed JSON is the endpoint's VALIDATION_FAILED,
/// then the field-by-field check that stands before the database. Anything else escaping is a 500.
/// </summary>
internal static class KmsRequestHarness
{
    public static void Run(byte[] input)
    {
        if (input.Length > KmsClientEndpoints.MaxBodyBytes)
        {
            return; // PAYLOAD_TOO_LARGE before the body is read.
        }

        Core.Contracts.KmsActivationRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(input, KmsJsonContext.Default.KmsActivationRequest);
        }
        catch (JsonException)
        {
            return; // The endpoint answers VALIDATION_FAILED.
        }

        var refusal = KmsRequestValidator.Check(request);
        FuzzInput.Require(refusal is null || refusal.Code == "VALIDATION_FAILED", $"a bad KMS request is VALIDATION_FAILED, not {refusal?.Code}");
    }
}
