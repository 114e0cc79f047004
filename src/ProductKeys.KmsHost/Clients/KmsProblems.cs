using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using ProductKeys.Core.Errors;

namespace ProductKeys.KmsHost.Clients;

/// <summary>Refusals as RFC 9457 problem details carrying the catalogue's stable <c>code</c>.</summary>
internal static class KmsProblems
{
    public static ProblemHttpResult From(Refusal refusal) =>
        TypedResults.Problem(
            detail: refusal.Detail,
            statusCode: refusal.Error.HttpStatus,
            title: refusal.Error.Message,
            type: $"https://productkeys.invalid/errors/{refusal.Code}",
            extensions: new Dictionary<string, object?> { ["code"] = refusal.Code });
}
