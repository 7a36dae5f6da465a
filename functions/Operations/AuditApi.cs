using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using WmsFunctions.Handler.Http;
using WmsFunctions.Pipeline.Audit;

namespace WmsFunctions.Handler.Operations;

/// <summary>The audit log for operators: by time, and by correlation id, entity or instance.</summary>
public static class AuditApi
{
    [EndpointSummary("Query the audit log")]
    [EndpointDescription(
        "Query: from, to (RFC 3339; default the last 24 hours; at most 366 days apart), and at most one of correlationId, entityId (with " +
        "entityType), instance as the key (each read from its own index, oldest first), take (1-500, default 100), continuation.")]
    [ProducesResponseType(typeof(AuditListing), StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status403Forbidden, "application/problem+json")]
    public static async Task<IResult> QueryAuditAsync(string tenant, HttpContext context, AuditLog audit, TimeProvider time)
    {
        var query = context.Request.Query;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var now = time.GetUtcNow();
        DateTimeOffset Time(string name, DateTimeOffset fallback)
        {
            if (query[name].FirstOrDefault() is not { } text)
            {
                return fallback;
            }

            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            {
                return at;
            }

            errors[name] = ["An RFC 3339 time with offset."];
            return fallback;
        }

        var from = Time("from", now.AddDays(-1));
        var to = Time("to", now.AddMinutes(1));
        if (!errors.ContainsKey("from") && !errors.ContainsKey("to") && (to <= from || to - from > TimeSpan.FromDays(366)))
        {
            errors["to"] = ["After from, at most 366 days later."];
        }

        string? Code(string name)
        {
            var value = query[name].FirstOrDefault();
            if (value is not null && (value.Length is 0 or > 256 || value.Any(char.IsControl)))
            {
                errors[name] = ["1 to 256 characters."];
            }

            return value;
        }

        var correlationId = Code("correlationId");
        var entityType = Code("entityType");
        var entityId = Code("entityId");
        var instance = Code("instance");
        if (entityType is not null && entityId is null)
        {
            errors["entityId"] = ["Required with entityType."];
        }

        var take = OperatorQuery.Take(query, errors, fallback: 100, max: 500);

        var continuation = OperatorQuery.Continuation(query, errors, AuditLog.TryReadContinuation);
        if (errors.Count > 0)
        {
            return ProblemResults.InvalidQuery(errors, context);
        }

        return await OperatorQuery.PageAsync(
            continuation,
            context,
            () => audit.QueryPageAsync(new AuditQuery(tenant, from, to, correlationId, entityType, entityId, instance, take, continuation), context.RequestAborted),
            page => new AuditListing(page.Entries.Select(AuditEntryView.Of).ToArray(), page.Continuation)).ConfigureAwait(false);
    }
}
