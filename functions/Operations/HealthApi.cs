using Microsoft.AspNetCore.Mvc;
using WmsFunctions.Handler.Http;
using WmsFunctions.Operations;
using WmsFunctions.Platform.Problems;

namespace WmsFunctions.Handler.Operations;

/// <summary>Readiness for probes and people: anonymous, so it names dependencies and figures only, never tenant data or secrets.</summary>
public static class HealthApi
{
    [EndpointSummary("Readiness: dependencies and sync lag")]
    [EndpointDescription(
        "Table Storage reachable (3 s timeout), configuration complete (every setting the functions name; the tenants file parses), and the " +
        "outbox lag (age of the oldest event waiting for the OMS, messages waiting), and what waits for a person (failures: open failed syncs, " +
        "per poison queue, dead-letter subscription or flow with the age of the oldest, and messages still in each poison queue). 200 when " +
        "ready; 503 problem details (type not-ready) with the same checks when not. Per-tenant figures are in the operator API and the alerts.")]
    [ProducesResponseType(typeof(HealthReport), StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    public static async Task<IResult> GetAsync(HttpContext context, HealthCheck health)
    {
        var report = await health.CheckAsync(FunctionCatalog.All.SelectMany(f => f.Settings()).Distinct(StringComparer.Ordinal), context.RequestAborted).ConfigureAwait(false);
        context.Response.Headers.CacheControl = "no-store";
        if (report.Ready)
        {
            return TypedResults.Json(report);
        }

        var notReady = new Problem("not-ready", StatusCodes.Status503ServiceUnavailable, "Not ready",
            string.Join("; ", report.Checks.Where(c => c.Status is not ("up" or "ok")).Select(c => $"{c.Name}: {c.Detail}")));
        var details = ProblemResults.Details(notReady, context.Request.Path, context.TraceIdentifier);
        details.Extensions["checks"] = report.Checks;
        details.Extensions["lag"] = report.Lag;
        details.Extensions["failures"] = report.Failures;
        return Results.Problem(details);
    }
}
