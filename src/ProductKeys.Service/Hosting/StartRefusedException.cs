using ProductKeys.Core.Errors;

namespace ProductKeys.Service.Hosting;

/// <summary>The service refuses to start for a reason the operator must fix; <c>pk server</c> exits with the code's exit code.</summary>
public sealed class StartRefusedException(ErrorCode code, string message) : InvalidOperationException(message)
{
    public ErrorCode Code { get; } = code;
}
