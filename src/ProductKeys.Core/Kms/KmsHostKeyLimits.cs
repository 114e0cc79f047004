namespace ProductKeys.Core.Kms;

/// <summary>
/// What one KMS host key may activate (docs/product.md §2, public practice): the licensing service enforces
/// these when it answers <c>POST /api/v1/kms-host-activations</c>; over either → <c>KMS_HOST_KEY_LIMIT</c>.
/// </summary>
public static class KmsHostKeyLimits
{
    /// <summary>
    /// Distinct host IDs one key may activate. The licensing service issues every KMS host key with
    /// this limit unless its operator configures another (<c>Orders:KmsHostLimit</c>); a key keeps
    /// the limit it was issued with.
    /// </summary>
    public const int MaxHosts = 6;

    /// <summary>Activations (reinstalls) of one host ID with one key.</summary>
    public const int MaxActivationsPerHost = 10;
}
