namespace ProductKeys.AdminApi;

/// <summary>Limits of the licensing service's REST API that clients check before sending (docs/api.md).</summary>
public static class ApiLimits
{
    /// <summary>A request body is at most this many bytes; a larger one answers 413 PAYLOAD_TOO_LARGE.</summary>
    public const int MaxRequestBodyBytes = 64 * 1024;
}
