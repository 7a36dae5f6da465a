using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Pipeline.Retries;
using WmsFunctions.Platform.Storage;
using WmsFunctions.Platform.Telemetry;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Pipeline.Delivery;

/// <summary>Settings of the OMS -> WMS retry queue (docs/oms-to-wms.md, docs/failures.md).</summary>
public sealed class WmsDeliveryRetryOptions
{
    public const string QueueSetting = "WMS_DELIVERY_RETRY_QUEUE";

    public const string FirstDelaySetting = "WMS_DELIVERY_RETRY_FIRST_DELAY";

    public string Queue { get; set; } = "wms-delivery-retries";

    /// <summary>How long a deferred delivery stays hidden before its first try from the queue.</summary>
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// One OMS -> WMS delivery to one instance that found the instance unavailable and waits on the retry queue: the
/// flow, the OMS message as received (the CloudEvent, unchanged) and the instance it still has to reach.
/// </summary>
public sealed record WmsDeliveryRetry(string Flow, string Tenant, string Instance, string Body, string? MessageId, string? CorrelationId)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The retry read back (other properties, such as the retry generation, ignored), or null when it is not one.</summary>
    public static WmsDeliveryRetry? Parse(string body)
    {
        try
        {
            var retry = JsonSerializer.Deserialize<WmsDeliveryRetry>(body, Json);
            return retry is { Flow.Length: > 0, Tenant.Length: > 0, Instance.Length: > 0, Body.Length: > 0 } ? retry : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// The OMS -> WMS retry queue (WMS_DELIVERY_RETRY_QUEUE). A Service Bus delivery that finds a WMS instance
/// unavailable is not handed back to Service Bus (whose redeliveries come at once and are spent in seconds against an
/// open circuit): the delivery to that instance is deferred here, hidden for <see cref="WmsDeliveryRetryOptions.FirstDelay"/>,
/// and the Service Bus message completes. The queue's function re-dispatches it to that instance only, through the
/// same dispatcher and delivery claims; while the instance is still unavailable it fails, and the host's quick
/// retries, then the poison watcher and <see cref="QueueRetrySchedule"/>, take over as for every queue the hub owns.
/// This class is also the queue as its poison watcher reads it.
/// </summary>
public sealed partial class WmsDeliveryRetries(
    HubStorage storage,
    TenantDirectory tenants,
    IEnumerable<OutboundFlowDefinition> flows,
    IOptions<WmsDeliveryRetryOptions> options,
    ILogger<WmsDeliveryRetries> logger) : IQueuedMessages
{
    /// <summary>The flow a retry captured from the queue is filed under (replayed by putting it back on the queue).</summary>
    public const string FlowName = "wms-delivery-retry";

    private readonly Dictionary<string, OutboundFlowDefinition> _flows = flows.ToDictionary(f => f.Name, StringComparer.Ordinal);

    public string QueueSetting => WmsDeliveryRetryOptions.QueueSetting;

    public string QueueName => options.Value.Queue;

    public string Flow => FlowName;

    public string Direction => FailedSyncDirection.OmsToWms;

    /// <summary>Puts the delivery of <paramref name="message"/> to <paramref name="instance"/> on the retry queue, hidden for the first delay.</summary>
    public async Task DeferAsync(string flow, OutboundDelivery delivery, OmsMessage message, string instance, CancellationToken cancellationToken)
    {
        var retry = new WmsDeliveryRetry(flow, message.Tenant, instance, delivery.Body, message.Id, delivery.CorrelationId ?? message.CorrelationId);
        var queue = await storage.QueueAsync(QueueName, cancellationToken).ConfigureAwait(false);
        var delay = options.Value.FirstDelay;
        await queue.SendMessageAsync(TraceContext.Stamp(retry.ToJson()), visibilityTimeout: delay > TimeSpan.Zero ? delay : null, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken)
            .ConfigureAwait(false);
        LogDeferred(logger, flow, message.Id, message.Tenant, instance, delay);
    }

    public QueuedMessage Read(string body) => Read(body, out _);

    /// <summary>Reads one message of the queue: the retry, or why it can never succeed (then <paramref name="retry"/> is null).</summary>
    public QueuedMessage Read(string body, out WmsDeliveryRetry? retry)
    {
        retry = WmsDeliveryRetry.Parse(body);
        if (retry is null)
        {
            return QueuedMessage.MalformedMessage("The message is not a deferred OMS -> WMS delivery (flow, tenant, instance and body).");
        }

        if (!_flows.TryGetValue(retry.Flow, out var flow))
        {
            var unknown = retry;
            retry = null;
            return QueuedMessage.MalformedMessage($"'{FailedSyncStore.Excerpt(unknown.Flow, 100)}' is not an OMS -> WMS flow.");
        }

        var read = QueuedMessage.About(tenants, retry.Tenant, retry.Instance, flow.EntityType, retry.MessageId ?? "", retry.CorrelationId);
        if (!read.CanSucceed)
        {
            retry = null;
        }

        return read;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Flow} message {MessageId} of tenant {Tenant}: WMS instance {Instance} unavailable, delivery deferred to the retry queue for {Delay}")]
    private static partial void LogDeferred(ILogger logger, string flow, string messageId, string tenant, string instance, TimeSpan delay);
}
