using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ProductKeys.CalServer.Data;
using ProductKeys.Core.Cal;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;

namespace ProductKeys.CalServer.Serving;

/// <summary>What session hosts call on a CAL server (no token: it serves its own network): <c>POST /api/v1/cals</c>.</summary>
internal static class CalEndpoints
{
    /// <summary>What a request looks like, for every refusal of its shape.</summary>
    public static readonly string RequestShape =
        $"Send {{\"mode\":\"PerUser\",\"user\":NAME}} or {{\"mode\":\"PerDevice\",\"device\":ID}}; names are 1 to {CalPolicy.MaxNameLength} printable characters, a device ID at most {CalPolicy.MaxDeviceIdBytes} UTF-8 bytes.";

    /// <summary>Largest request body accepted; a real request is under 300 bytes.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    /// <summary>
    /// What to do, for an answer no endpoint chose a detail for: a body that is not JSON, not an object, or holds a member
    /// twice (400), too large (413), not sent as JSON (415). Before, these said only "Bad Request".
    /// </summary>
    public static string? DetailFor(int status) => status switch
    {
        StatusCodes.Status400BadRequest => $"The body is not a CAL request. {RequestShape}",
        StatusCodes.Status413PayloadTooLarge => $"A CAL request is at most {MaxBodyBytes} bytes. {RequestShape}",
        StatusCodes.Status415UnsupportedMediaType => $"Send the body as Content-Type: application/json. {RequestShape}",
        _ => null,
    };

    public static IEndpointRouteBuilder MapCals(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/cals", RequestAsync)
            .WithName("RequestCal")
            .WithSummary("A per-user CAL for a user, or a signed per-device CAL for a device (docs/product.md §5).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<Results<Ok<CalResponse>, ProblemHttpResult>> RequestAsync(CalRequest? request, CalLedger ledger, HttpResponse response, CancellationToken ct)
    {
        var mode = EnumName.TryParse<CalMode>(request?.Mode, ignoreCase: false, out var m) ? m : (CalMode?)null;
        var outcome = mode switch
        {
            CalMode.PerUser when CalPolicy.IsName(request!.User) && request.Device is null => await ledger.RequestUserAsync(request.User!, ct),
            CalMode.PerDevice when CalPolicy.IsDeviceId(request!.Device) && request.User is null => await ledger.RequestDeviceAsync(request.Device!, ct),
            _ => new Refusal(ErrorCatalogue.ValidationFailed, RequestShape),
        };
        if (!outcome.IsSuccess && outcome.Refusal.Error == ErrorCatalogue.DatabaseUnreachable)
        {
            // cal.db locked by another process: a moment later it is free (as the licensing service answers an unreachable database).
            response.Headers.RetryAfter = "1";
        }

        return outcome.IsSuccess ? TypedResults.Ok(outcome.Value) : Problem(outcome.Refusal);
    }

    private static ProblemHttpResult Problem(Refusal refusal) => TypedResults.Problem(
        detail: refusal.Detail,
        statusCode: refusal.Error.HttpStatus,
        title: refusal.Error.Message,
        extensions: new Dictionary<string, object?> { ["code"] = refusal.Code });
}
