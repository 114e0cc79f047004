using Microsoft.AspNetCore.Builder;

namespace ProductKeys.Hosting;

/// <summary>What every server of pk (the licensing service, the KMS host, the CAL server) does to a request before its endpoints see it.</summary>
public static class SharedRequestRules
{
    /// <summary>
    /// A body in a charset that cannot be decoded is 415 with its code (<see cref="RequestCharset"/>); a HEAD answers
    /// without a body, over HTTP/2 too (<see cref="HeadRequests"/>).
    /// </summary>
    public static WebApplication UseSharedRequestRules(this WebApplication app) =>
        app.UseKnownRequestCharsets().UseHeadWithoutBody();
}
