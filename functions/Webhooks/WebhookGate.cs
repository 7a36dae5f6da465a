using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc;
using WmsFunctions.Audit;
using WmsFunctions.Inbox;
using WmsFunctions.Problems;
using WmsFunctions.Tenancy;
using WmsFunctions.WebhookSecurity;

namespace WmsFunctions.Handler.Webhooks;

/// <summary>
/// What every WMS webhook goes through before and after its flow: authenticate the instance (per-instance API
/// key; the host's function key is a second fence in Azure), check content type and size, read the body, run
/// the flow, and answer. Every refusal is RFC 9457 problem details, changes nothing, and leaves one audit entry.
/// </summary>
public sealed partial class WebhookGate(TenantDirectory tenants, AuditLog audit, TimeProvider time, ILogger<WebhookGate> logger)
{
    public const string ApiKeyHeader = "X-Api-Key";
    public const string CorrelationHeader = "X-Correlation-Id";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxBodyBytes = 64 * 1024;

    public async Task<IResult> RunAsync(
        HttpContext context,
        string tenant,
        string instance,
        string flow,
        Func<InboundRequest, CancellationToken, Task<InboundResult>> handle)
    {
        var started = time.GetTimestamp();
        var cancellationToken = context.RequestAborted;
        var correlationId = CorrelationIdOf(context);
        context.Response.Headers[CorrelationHeader] = correlationId;

        if (!tenants.TryGet(tenant, instance, out var wms) || !ApiKeys.Verify(context.Request.Headers[ApiKeyHeader], wms.ApiKeyHashes))
        {
            context.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{ApiKeyHeader}\"";
            return await RefuseAsync(
                Problem.Unauthorized($"Send the API key of WMS instance '{instance}' in the {ApiKeyHeader} header."),
                wms?.Tenant ?? AuditLog.UnauthenticatedTenant, instance, flow, correlationId, context, started).ConfigureAwait(false);
        }

        if (!IsJson(context.Request.ContentType))
        {
            return await RefuseAsync(Problem.UnsupportedMediaType(context.Request.ContentType), wms.Tenant, wms.Id, flow, correlationId, context, started).ConfigureAwait(false);
        }

        var body = await ReadBodyAsync(context.Request, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return await RefuseAsync(Problem.PayloadTooLarge(MaxBodyBytes), wms.Tenant, wms.Id, flow, correlationId, context, started).ConfigureAwait(false);
        }

        var result = await handle(new InboundRequest(wms, body.Value, correlationId), cancellationToken).ConfigureAwait(false);
        if (result.Problem is { } problem)
        {
            return await RefuseAsync(problem, wms.Tenant, wms.Id, flow, correlationId, context, started).ConfigureAwait(false);
        }

        if (result.Replayed)
        {
            context.Response.Headers[ReplayedHeader] = "true";
            await audit.TryWriteAsync(
                new AuditEntry(wms.Tenant, time.GetUtcNow(), flow, "duplicate", Instance: wms.Id, EntityType: "event", EntityId: result.EventId,
                    EventId: result.EventId, CorrelationId: correlationId,
                    Summary: "Delivered again; answered as the first time, nothing applied twice.",
                    DurationMs: time.GetElapsedTime(started).TotalMilliseconds),
                cancellationToken).ConfigureAwait(false);
        }

        return Results.Text(result.Body ?? "{}", "application/json", statusCode: result.Status);
    }

    private async Task<IResult> RefuseAsync(
        Problem problem, string tenant, string instance, string flow, string correlationId, HttpContext context, long started)
    {
        LogRefused(logger, flow, tenant, instance, problem.Status, problem.Type);
        if (problem.RetryAfterSeconds is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await audit.TryWriteAsync(
            new AuditEntry(
                tenant,
                time.GetUtcNow(),
                flow,
                "refused",
                Instance: instance.Length > 64 ? instance[..64] : instance,
                CorrelationId: correlationId,
                Reason: problem.Type,
                Summary: problem.Detail.Length > 512 ? problem.Detail[..512] : problem.Detail,
                DurationMs: time.GetElapsedTime(started).TotalMilliseconds),
            context.RequestAborted).ConfigureAwait(false);
        return ProblemResult(problem, context.Request.Path, correlationId);
    }

    public static IResult ProblemResult(Problem problem, string path, string correlationId)
    {
        var details = new ProblemDetails
        {
            Type = Problem.TypeUrnPrefix + problem.Type,
            Title = problem.Title,
            Status = problem.Status,
            Detail = problem.Detail,
            Instance = path,
        };
        details.Extensions["correlationId"] = correlationId;
        if (problem.Errors is { Count: > 0 } errors)
        {
            details.Extensions["errors"] = errors;
        }

        return Results.Problem(details);
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && string.Equals(media.MediaType, "application/json", StringComparison.OrdinalIgnoreCase)
        && (media.CharSet is null || string.Equals(media.CharSet, "utf-8", StringComparison.OrdinalIgnoreCase));

    /// <summary>The body, or null when it is larger than <see cref="MaxBodyBytes"/>.</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>The caller's correlation id when it is sane, else the W3C trace id, else a new one.</summary>
    private static string CorrelationIdOf(HttpContext context)
    {
        var given = context.Request.Headers[CorrelationHeader].FirstOrDefault();
        if (given is { Length: > 0 and <= 64 } && given.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return given;
        }

        return Activity.Current?.TraceId.ToHexString() ?? Guid.NewGuid().ToString("N");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused {Flow} webhook for {Tenant}/{Instance}: {Status} {ProblemType}")]
    private static partial void LogRefused(ILogger logger, string flow, string tenant, string instance, int status, string problemType);
}
