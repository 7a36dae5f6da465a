using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using WmsFunctions.Channels;
using WmsFunctions.Handler.Operations;
using WmsFunctions.Handler.Webhooks;
using WmsFunctions.Problems;

namespace WmsFunctions.Handler.Channels;

/// <summary>The operators' view of the channels.</summary>
public static class ChannelsApi
{
    public const int MaxDays = 366;

    /// <summary>Orders and fulfilment by channel and order source for orders created in [from, to).</summary>
    [EndpointSummary("Channel orders and fulfilment")]
    [EndpointDescription("Query: from, to (ISO 8601 instants, to after from, at most 366 days apart). Per channel and order source: orders, accepted, held (by reason), shipped orders, lines, shipped lines, average hours from order to first shipment.")]
    [ProducesResponseType(typeof(ChannelReportResult), StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<IResult> ReportAsync(string tenant, HttpContext context, OperatorGate operators, ChannelReport report, ChannelDirectory channels)
    {
        if (!operators.TryAuthenticate(context, out _, out var refusal))
        {
            return refusal;
        }

        var query = context.Request.Query;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var from = Instant(query["from"].FirstOrDefault(), "from", errors);
        var to = Instant(query["to"].FirstOrDefault(), "to", errors);
        if (errors.Count == 0 && (to <= from || (to - from).TotalDays > MaxDays))
        {
            errors["to"] = [$"Must be after 'from', at most {MaxDays} days later."];
        }

        if (errors.Count > 0)
        {
            return WebhookGate.ProblemResult(Problem.InvalidEvent(errors) with { Type = "invalid-query", Title = "The query is invalid" }, context.Request.Path, context.TraceIdentifier);
        }

        if (channels.OfTenant(tenant).Count == 0)
        {
            return WebhookGate.ProblemResult(
                new Problem("tenant-has-no-channels", 404, "No channels", $"Tenant '{tenant}' sells on no configured channel."),
                context.Request.Path, context.TraceIdentifier);
        }

        return TypedResults.Json(await report.BuildAsync(tenant, from, to, context.RequestAborted).ConfigureAwait(false));
    }

    private static DateTimeOffset Instant(string? text, string name, Dictionary<string, string[]> errors)
    {
        if (text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }

        errors[name] = ["Required: an ISO 8601 instant, e.g. 2026-11-23T00:00:00Z."];
        return default;
    }
}
