using System.Text.Json.Serialization;
using WmsFunctions.Adapters.GenericXml;
using WmsFunctions.Adapters.HubJson;
using WmsFunctions.Adapters.X12;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Pipeline.Delivery;

/// <summary>
/// One OMS -> WMS flow as the <see cref="OutboundDispatcher"/> runs it: which CloudEvent types it takes, how
/// its data is checked and identified, and how it maps to a WMS document for one instance. Everything that
/// talks to the outside (routing, claiming, sending, recording) is the dispatcher's.
/// </summary>
public interface IOutboundFlow<TData>
    where TData : class
{
    /// <summary>The flow name (<see cref="Tenancy.OutboundFlows"/>): configuration switch, audit flow, failed-sync flow.</summary>
    string Flow { get; }

    string EntityType { get; }

    /// <summary>CloudEvent type suffixes (after <see cref="OmsMessage.TypePrefix"/>) this flow accepts.</summary>
    IReadOnlyCollection<string> Types { get; }

    /// <summary>Field errors of the data for this event type (empty when valid); also settles identity and version.</summary>
    IReadOnlyDictionary<string, string[]> Validate(string type, TData data);

    /// <summary>The entity, its version, what happened and the warehouses that decide routing (valid data only).</summary>
    OutboundEntity Describe(string type, TData data);

    /// <summary>The document for one instance, its codes mapped; throws <see cref="MappingException"/> for a missing mapping.</summary>
    object Map(OutboundEntity entity, TData data, OutboundInstance instance);

    /// <summary>After validation, before any delivery: keep the hub's own copy (items, purchase orders). Idempotent.</summary>
    Task AcceptAsync(OmsMessage message, OutboundEntity entity, TData data, CancellationToken cancellationToken);

    /// <summary>Once the outcome of one instance's delivery is final (sent, refused, failed): hand it on. Idempotent.</summary>
    Task DeliveredAsync(OutboundOutcome outcome, TData data, CancellationToken cancellationToken);
}

/// <summary>
/// What an OMS message is about. <see cref="Warehouses"/>: the OMS warehouses the document is for (null: every
/// instance that receives the flow).
/// </summary>
public sealed record OutboundEntity(string Id, long Version, string Action, IReadOnlyCollection<string>? Warehouses);

public enum DeliveryResult
{
    Sent,
    Refused,
    Failed,
}

/// <summary>The final result of one delivery to one instance.</summary>
public sealed record OutboundOutcome(
    OmsMessage Message,
    OutboundEntity Entity,
    OutboundInstance Instance,
    DeliveryResult Result,
    string? ReasonCode,
    DateTimeOffset At);

/// <summary>What the hub sends: the document, the OMS message id (the WMS's idempotency key) and what happened.</summary>
public sealed record WmsDocument(
    [property: JsonPropertyName("messageId")] string MessageId,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("version")] long Version,
    [property: JsonIgnore] string Flow,
    [property: JsonIgnore] object Entity);
