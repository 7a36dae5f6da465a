using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Pipeline.FailedSyncs;

namespace WmsFunctions.Pipeline.Delivery;

/// <summary>
/// What one OMS -> WMS flow declares once, in its own folder; the registry of flows lists these, and the function
/// catalog (one Service Bus function per flow), the replayer and the configuration check learn the flows from them.
/// </summary>
/// <param name="Name">The flow's name: <c>Outbound:Flows</c> in configuration, the audit's and the failed syncs' flow.</param>
/// <param name="Function">The Azure Function that runs it (its folder in the deploy package).</param>
/// <param name="Topic">The Service Bus topic the OMS sends the flow's CloudEvents to; the function reads its hub subscription.</param>
/// <param name="EntityType">What one message is about (audit, failed syncs).</param>
/// <param name="Types">CloudEvent type suffixes (after <see cref="OmsMessage.TypePrefix"/>) the flow accepts.</param>
/// <param name="Actions">What a document can ask of the WMS (<see cref="OutboundEntity.Action"/>), for the contract.</param>
/// <param name="Summary">One line on what the flow sends, for the function and the contract.</param>
/// <param name="FlowType">The flow's class (an <see cref="IOutboundFlow"/>), registered once.</param>
/// <param name="DocumentType">The <see cref="WmsDocument"/> the flow sends.</param>
public sealed record OutboundFlowDefinition(
    string Name,
    string Function,
    string Topic,
    string EntityType,
    IReadOnlyList<string> Types,
    IReadOnlyList<string> Actions,
    string Summary,
    Type FlowType,
    Type DocumentType)
{
    /// <summary>A definition whose class is known to be an <see cref="IOutboundFlow"/> sending <typeparamref name="TDocument"/>.</summary>
    public static OutboundFlowDefinition For<TFlow, TDocument>(
        string name, string function, string topic, string entityType, IReadOnlyList<string> types, IReadOnlyList<string> actions, string summary)
        where TFlow : class, IOutboundFlow
        where TDocument : WmsDocument =>
        new(name, function, topic, entityType, types, actions, summary, typeof(TFlow), typeof(TDocument));
}

/// <summary>An OMS -> WMS flow as the rest of the hub runs it: its function and the replay of its failures.</summary>
public interface IOutboundFlow
{
    OutboundFlowDefinition Definition { get; }

    /// <summary>Runs one message (as the host delivered it, or replayed) through the <see cref="OutboundDispatcher"/>.</summary>
    Task<DispatchSummary> RunAsync(OutboundDelivery delivery, CancellationToken cancellationToken);
}

/// <summary>
/// One OMS -> WMS flow as the <see cref="OutboundDispatcher"/> runs it: how its data is checked and identified, how it
/// maps to a WMS document for one instance, and what it keeps and hands on. Everything that talks to the outside
/// (routing, claiming, sending, recording) is the dispatcher's, and writing the document in a WMS's dialect is the
/// dialect's (<see cref="IWmsDialect"/>).
/// </summary>
public abstract class OutboundFlow<TData>(OutboundDispatcher dispatcher) : IOutboundFlow
    where TData : class
{
    public abstract OutboundFlowDefinition Definition { get; }

    public Task<DispatchSummary> RunAsync(OutboundDelivery delivery, CancellationToken cancellationToken) =>
        dispatcher.DispatchAsync(this, delivery, cancellationToken);

    /// <summary>Field errors of the data for this event type (empty when valid); also settles identity and version.</summary>
    public abstract IReadOnlyDictionary<string, string[]> Validate(string type, TData data);

    /// <summary>The entity, its version, what happened and the warehouses that decide routing (valid data only).</summary>
    public abstract OutboundEntity Describe(string type, TData data);

    /// <summary>The document for one instance, its codes mapped; throws <see cref="MappingException"/> for a missing mapping.</summary>
    public abstract WmsDocument Map(OutboundEntity entity, TData data, OutboundInstance instance);

    /// <summary>After validation, before any delivery: keep the hub's own copy (items, purchase orders). Idempotent.</summary>
    public virtual Task KeepAsync(OmsMessage message, OutboundEntity entity, TData data, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>Once the outcome of one instance's delivery is final (sent, refused, failed): hand it on. Idempotent.</summary>
    public virtual Task DeliveredAsync(OutboundOutcome outcome, TData data, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}

public static class OutboundFlowRegistration
{
    /// <summary>Registers one OMS -> WMS flow: its class, and its definition for everything that enumerates the flows.</summary>
    public static IServiceCollection AddOutboundFlow(this IServiceCollection services, OutboundFlowDefinition flow)
    {
        services.AddSingleton(flow.FlowType);
        services.AddSingleton(sp => (IOutboundFlow)sp.GetRequiredService(flow.FlowType));
        services.AddSingleton(flow);
        services.AddFailedSyncFlow(flow.Name, FailedSyncDirection.OmsToWms); // replayed through the dispatcher
        return services;
    }
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

/// <summary>
/// A document the hub sends to a WMS, after mapping: every code is the instance's own (SKU, location, unit, carrier,
/// service, reason), quantities are in the instance's unit. Each flow defines its own in its folder; the closed set of
/// them is the writer interface every dialect implements (WmsFunctions.Flows.IWmsDocumentWriter), so the dialects
/// cannot disagree about content.
/// </summary>
public abstract record WmsDocument;

/// <summary>One document for one instance, with what every dialect puts around it: the OMS message id (the WMS's
/// idempotency key), what happened and the version. <see cref="Message"/>: the OMS message as received, for a dialect
/// whose partner answers later (X12's 997), so a rejection then can be replayed from it.</summary>
public sealed record OutboundDocument(string MessageId, string Action, long Version, string Flow, WmsDocument Document, string? Message = null);
