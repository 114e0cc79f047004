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
            CalMode.PerDevice when CalPolicy.IsName(request!.Device) && request.User is null => await ledger.RequestDeviceAsync(request.Device!, ct),
            _ => new Refusal(ErrorCatalogue.ValidationFailed,
                $"Send {{\"mode\":\"PerUser\",\"user\":NAME}} or {{\"mode\":\"PerDevice\",\"device\":ID}}; names are 1 to {CalPolicy.MaxNameLength} printable characters."),
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
