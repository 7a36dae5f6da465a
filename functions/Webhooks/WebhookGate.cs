using System.Collections.Frozen;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using WmsFunctions.Handler.Http;
using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Pipeline.Webhooks;
using WmsFunctions.Platform.Problems;
using WmsFunctions.Platform.Storage;
using WmsFunctions.Platform.Telemetry;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Handler.Webhooks;

/// <summary>
/// What every WMS webhook goes through before and after its flow: authenticate the instance by the scheme its
/// configuration chose (API key, Standard Webhooks signature or OAuth 2.0 bearer JWT; the host's function key is a
/// second fence in Azure), check content type and size, read the body, hold a Standard Webhooks message id to one
/// body, run the flow, and answer. Every refusal is RFC 9457 problem details, changes nothing, and leaves one
/// audit entry. The gate counts the refusals and redeliveries it decides itself; what the flow decides, its handler
/// (the event pipeline, the X12 receiver) counts.
/// </summary>
public sealed partial class WebhookGate(
    TenantDirectory tenants,
    WebhookAuthenticator authenticator,
    WebhookDeliveries deliveries,
    AuditLog audit,
    FailedSyncStore failedSyncs,
    HubMetrics metrics,
    TimeProvider time,
    ILogger<WebhookGate> logger)
{
    public const string ApiKeyHeader = WebhookAuthenticator.ApiKeyHeader;
    public const string CorrelationHeader = Correlation.Header;
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxBodyBytes = 64 * 1024;

    private static readonly TimeSpan AbandonTimeout = TimeSpan.FromSeconds(1);

    public async Task<IResult> RunAsync(
        HttpContext context,
        string tenant,
        string instance,
        string flow,
        Func<InboundRequest, CancellationToken, Task<InboundResult>> handle,
        WebhookMedia? media = null)
    {
        media ??= WebhookMedia.Json;
        var started = time.GetTimestamp();
        var cancellationToken = context.RequestAborted;
        using var span = HubTelemetry.Start("webhook " + flow); // a child of the request's span, whose parent is the WMS's traceparent
        var correlationId = Correlation.Begin(context);

        if (!tenants.TryGet(tenant, instance, out var wms))
        {
            context.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{ApiKeyHeader}\"";
            return await RefuseAsync(
                Problem.Unauthorized($"Send the credentials of WMS instance '{instance}'."),
                AuditLog.UnauthenticatedTenant, instance, flow, correlationId, context, started).ConfigureAwait(false);
        }

        using var fields = LogFields.Begin(logger, wms.Tenant, wms.Id, flow, correlationId: correlationId);
        var headers = HeadersOf(context.Request);
        if (await authenticator.CheckHeadersAsync(wms, headers).ConfigureAwait(false) is { } denied)
        {
            return await UnauthorizedAsync(denied, wms, flow, correlationId, context, started).ConfigureAwait(false);
        }

        if (!media.Accepts(context.Request.ContentType))
        {
            var unsupported = Problem.UnsupportedMediaType(context.Request.ContentType) with
            {
                Detail = $"Send {media.RequestType}, not '{context.Request.ContentType ?? "(none)"}'.",
            };
            return await RefuseAsync(unsupported, wms.Tenant, wms.Id, flow, correlationId, context, started).ConfigureAwait(false);
        }

        var body = await RequestBody.ReadAsync(context.Request, media.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return await RefuseAsync(Problem.PayloadTooLarge(media.MaxBodyBytes), wms.Tenant, wms.Id, flow, correlationId, context, started).ConfigureAwait(false);
        }

        if (authenticator.CheckBody(wms, headers, body.Value.Span) is { } forged)
        {
            return await UnauthorizedAsync(forged, wms, flow, correlationId, context, started).ConfigureAwait(false);
        }

        var request = new InboundRequest(wms, body.Value, correlationId);
        var result = authenticator.CredentialsOf(wms) is StandardWebhookCredentials
            ? await HandleDeliveryAsync(request, headers.WebhookId!, flow, handle, cancellationToken).ConfigureAwait(false)
            : await handle(request, cancellationToken).ConfigureAwait(false);
        if (result.Problem is { } problem)
        {
            if (FixableByPeople.Contains(problem.Type))
            {
                await RecordFailedSyncAsync(problem, wms.Tenant, wms.Id, flow, correlationId, body.Value, cancellationToken).ConfigureAwait(false);
            }

            return await RefuseAsync(problem, wms.Tenant, wms.Id, flow, correlationId, context, started, countedByHandler: true).ConfigureAwait(false);
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

        return Results.Text(result.Body ?? "{}", media.ResponseType, statusCode: result.Status);
    }

    /// <summary>
    /// Standard Webhooks: the message id (webhook-id) is held to one body before the flow runs, so a reused id with
    /// another body is refused (422) whatever event it names, a redelivery is answered as the first time, and a
    /// delivery still being handled is 409. A refusal or failure releases the id again.
    /// </summary>
    private async Task<InboundResult> HandleDeliveryAsync(
        InboundRequest request, string webhookId, string flow, Func<InboundRequest, CancellationToken, Task<InboundResult>> handle, CancellationToken cancellationToken)
    {
        var start = await deliveries.BeginAsync(request.Instance.Tenant, request.Instance.Id, webhookId, flow, request.Body, cancellationToken).ConfigureAwait(false);
        var (tenant, instance) = (request.Instance.Tenant, request.Instance.Id);
        switch (start)
        {
            case DeliveryStart.Answered answered:
                metrics.EventDuplicate(tenant, instance, flow);
                return new InboundResult(answered.Status, answered.Body, null, Replayed: true, answered.EventId);
            case DeliveryStart.Reused:
                return Refused(Problem.WebhookIdReused(webhookId));
            case DeliveryStart.InProgress:
                return Refused(Problem.DeliveryInProgress(webhookId));
        }

        var row = ((DeliveryStart.Started)start).Row;
        InboundResult result;
        try
        {
            result = await handle(request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await TryAbandonAsync(row, webhookId).ConfigureAwait(false);
            throw;
        }

        if (result.Problem is not null)
        {
            await TryAbandonAsync(row, webhookId).ConfigureAwait(false);
        }
        else
        {
            await deliveries.CompleteAsync(row, result.Status, result.Body ?? "{}", result.EventId, cancellationToken).ConfigureAwait(false);
        }

        return result;

        InboundResult Refused(Problem problem)
        {
            metrics.EventRefused(tenant, instance, flow, problem.Type);
            return InboundResult.Refused(problem);
        }
    }

    private async Task TryAbandonAsync(WebhookDeliveryEntity row, string webhookId)
    {
        // Even when the caller left, but briefly: during an outage the lease frees the id, and the answer must not wait.
        using var bound = new CancellationTokenSource(AbandonTimeout);
        try
        {
            await deliveries.AbandonAsync(row, bound.Token).ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is RequestFailedException or OperationCanceledException || StorageFailures.IsOutage(failure))
        {
            // The row stays "in progress" until its lease runs out; then a redelivery takes it over.
            LogAbandonFailed(logger, failure, webhookId, WebhookDeliveries.Lease);
        }
    }

    private Task<IResult> UnauthorizedAsync(
        AuthenticationFailure denied, WmsInstance wms, string flow, string correlationId, HttpContext context, long started)
    {
        context.Response.Headers.WWWAuthenticate = denied.Challenge;
        return RefuseAsync(Problem.Unauthorized(denied.Detail), wms.Tenant, wms.Id, flow, correlationId, context, started);
    }

    private static WebhookHeaders HeadersOf(HttpRequest request) => new(
        request.Headers[ApiKeyHeader].FirstOrDefault(),
        request.Headers.Authorization.FirstOrDefault(),
        request.Headers[StandardWebhooks.IdHeader].FirstOrDefault(),
        request.Headers[StandardWebhooks.TimestampHeader].FirstOrDefault(),
        request.Headers[StandardWebhooks.SignatureHeader].FirstOrDefault());

    /// <summary>
    /// Refusals a person can cure by fixing master data or mappings (an item not downloaded yet, a location or PO
    /// the hub does not know): the event goes to the failed-sync queue with its body, to replay once fixed.
    /// A malformed or invalid event is the sender's to fix and is only refused.
    /// </summary>
    public static readonly FrozenSet<string> FixableByPeople = FrozenSet.ToFrozenSet(
    [
        "unknown-sku", "unknown-location", "unknown-purchase-order", "unknown-purchase-order-line", "sku-not-on-purchase-order-line",
    ], StringComparer.Ordinal);

    private async Task RecordFailedSyncAsync(
        Problem problem, string tenant, string instance, string flow, string correlationId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var text = Encoding.UTF8.GetString(body.Span);
        string? eventId = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            eventId = document.RootElement.TryGetProperty("eventId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        }
        catch (JsonException)
        {
            // a fixable refusal always follows a successful parse; without an id the body hash names the event
        }

        var messageId = eventId ?? Convert.ToHexStringLower(SHA256.HashData(body.Span))[..32];
        try
        {
            await failedSyncs.RecordAsync(
                new FailedSync(tenant, instance, FailedSyncDirection.WmsToOms, flow, "event", messageId, messageId, problem.Type, problem.Detail, correlationId, text),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is RequestFailedException || StorageFailures.IsOutage(failure))
        {
            LogFailedSyncNotRecorded(logger, failure, flow, tenant, instance); // the refusal's audit entry still tells
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A fixable {Flow} refusal for {Tenant}/{Instance} could not be put in the failed-sync queue")]
    private static partial void LogFailedSyncNotRecorded(ILogger logger, Exception failure, string flow, string tenant, string instance);

    private async Task<IResult> RefuseAsync(
        Problem problem, string tenant, string instance, string flow, string correlationId, HttpContext context, long started, bool countedByHandler = false)
    {
        LogRefused(logger, flow, tenant, instance, problem.Status, problem.Type);
        if (!countedByHandler)
        {
            // Tagged with names the hub configured, never with what an unauthenticated caller put in the path.
            var known = tenants.TryGet(tenant, instance, out _);
            metrics.EventRefused(known ? tenant : HubMetrics.Unknown, known ? instance : HubMetrics.Unknown, flow, problem.Type);
        }

        Activity.Current?.SetTag(HubTelemetry.Tags.Outcome, problem.Type);
        if (problem.Status >= 500)
        {
            Activity.Current?.SetStatus(ActivityStatusCode.Error, problem.Type);
        }

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
        return ProblemResults.For(problem, context.Request.Path, correlationId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook id {WebhookId} of a refused request could not be released; it is taken over after {Lease}")]
    private static partial void LogAbandonFailed(ILogger logger, Exception failure, string webhookId, TimeSpan lease);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused {Flow} webhook for {Tenant}/{Instance}: {Status} {ProblemType}")]
    private static partial void LogRefused(ILogger logger, string flow, string tenant, string instance, int status, string problemType);
}
