using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using ProductKeys.Core.Errors;

namespace ProductKeys.Service.Errors;

/// <summary>Refusals as RFC 9457 problem details carrying the catalogue's stable <c>code</c>.</summary>
internal static class ApiProblems
{
    public static ProblemHttpResult From(Refusal refusal) => TypedResults.Problem(
        title: refusal.Error.Message,
        detail: refusal.Detail,
        statusCode: refusal.Error.HttpStatus,
        extensions: new Dictionary<string, object?> { ["code"] = refusal.Code });

    public static ProblemHttpResult From(ErrorCode error, string? detail = null) => From(new Refusal(error, detail ?? error.Message));

    public static ProblemHttpResult Validation(string detail) => From(ErrorCatalogue.ValidationFailed, detail);

    public static ProblemHttpResult NotFound(string detail) => From(ErrorCatalogue.NotFound, detail);
}
