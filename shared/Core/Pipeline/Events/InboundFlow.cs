using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Json;
using WmsFunctions.Platform.Problems;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Pipeline.Events;

/// <summary>
/// Anything whose events go through the inbox (a WMS's webhook, a marketplace order, a reconciliation's correction,
/// an operator's override): how to apply one stored command.
/// </summary>
public interface IInboxFlow
{
    /// <summary>The flow's name, on the inbox row, the audit and the failed syncs.</summary>
    string Name { get; }

    /// <summary>
    /// Applies the record's command exactly once in effect (it may run again after a crash, or concurrently
    /// with the relay) and says what it did. Must give the same outcome every time it runs for the same record.
    /// </summary>
    Task<InboundOutcome> ApplyAsync(InboxEntity record, CancellationToken cancellationToken);
}

/// <summary>
/// What one WMS -> OMS flow declares once, in its own folder; the registry of flows lists these, and the function
/// catalog (one webhook per flow, <c>POST wms/{tenant}/{instance}/{Route}</c>), its OpenAPI description and the
/// replayer learn the flows from them.
/// </summary>
/// <param name="Name">The flow's name (inbox, audit, failed syncs).</param>
/// <param name="Function">The Azure Function of its webhook.</param>
/// <param name="Route">The webhook's last path segment.</param>
/// <param name="Contract">What the webhook reads and answers, for the OpenAPI document.</param>
/// <param name="FlowType">The flow's class (an <see cref="IInboundFlow"/>), registered once.</param>
public sealed record InboundFlowDefinition(string Name, string Function, string Route, WebhookContract Contract, Type FlowType)
{
    public static InboundFlowDefinition For<TFlow>(string name, string function, string route, WebhookContract contract)
        where TFlow : class, IInboundFlow =>
        new(name, function, route, contract, typeof(TFlow));
}

/// <summary>A webhook's contract: what it is, the JSON it reads, the 202 it answers and refusals beyond every webhook's.</summary>
public sealed record WebhookContract(string Summary, string Description, Type Request, Type Answer, params int[] ExtraRefusals);

/// <summary>
/// A WMS -> OMS flow: reads what its webhook receives (the <see cref="EventPipeline"/> accepts it into the inbox,
/// see <see cref="EventPipeline.ReceiveAsync"/>), then applies it from there.
/// </summary>
public interface IInboundFlow : IInboxFlow
{
    InboundFlowDefinition Definition { get; }

    /// <summary>
    /// Reads, validates and maps one event from an authenticated WMS instance, writing nothing: the event for the inbox,
    /// or why it is refused (webhooks, an X12 interchange's sets and replays of failed syncs all come here).
    /// </summary>
    Task<InboundRead> ReadAsync(InboundRequest request, CancellationToken cancellationToken);
}

/// <summary>What a flow made of a request: the event for the inbox, or the refusal.</summary>
public sealed record InboundRead(InboundEvent? Event, Problem? Problem);

/// <summary>
/// One WMS -> OMS flow in two steps: intake (the event as the WMS sent it, validated and mapped to the OMS's codes, as
/// a command) and apply (the command's effects, exactly once, from the inbox row). What every flow does around them
/// (parse strictly, hash the request, store the command) is written once here, and accepting the event once in the
/// <see cref="EventPipeline"/>.
/// </summary>
public abstract class InboundFlow<TRequest, TCommand> : IInboundFlow
    where TRequest : class
    where TCommand : class
{
    public abstract InboundFlowDefinition Definition { get; }

    public string Name => Definition.Name;

    public async Task<InboundRead> ReadAsync(InboundRequest request, CancellationToken cancellationToken)
    {
        if (!ContractJson.TryParse<TRequest>(request.Body, out var body, out var malformed))
        {
            return new InboundRead(null, malformed);
        }

        var intake = await IntakeAsync(body, request.Instance, cancellationToken).ConfigureAwait(false);
        if (intake.Problem is { } problem)
        {
            return new InboundRead(null, problem);
        }

        return new InboundRead(
            new InboundEvent(
                request.Instance.Tenant,
                request.Instance.Id,
                Name,
                intake.EventId!,
                ContractJson.Hash(body),
                JsonSerializer.Serialize(intake.Command, ContractJson.Options),
                request.CorrelationId),
            null);
    }

    public Task<InboundOutcome> ApplyAsync(InboxEntity record, CancellationToken cancellationToken) =>
        ApplyAsync(
            record,
            JsonSerializer.Deserialize<TCommand>(record.Command, ContractJson.Options)
                ?? throw new InvalidOperationException($"Inbox row for {Name} event '{record.EventId}' holds no command."),
            cancellationToken);

    /// <summary>The event validated and mapped to a command, or the refusal (which changes nothing).</summary>
    protected abstract Task<Intake<TCommand>> IntakeAsync(TRequest request, WmsInstance instance, CancellationToken cancellationToken);

    /// <summary>Applies the command exactly once in effect and says what to answer, publish and audit.</summary>
    protected abstract Task<InboundOutcome> ApplyAsync(InboxEntity record, TCommand command, CancellationToken cancellationToken);
}

/// <summary>What intake made of an event: its id and command, or the refusal.</summary>
public readonly record struct Intake<TCommand>(string? EventId, TCommand? Command, Problem? Problem)
    where TCommand : class
{
    public static implicit operator Intake<TCommand>(Problem problem) => new(null, null, problem);
}

public static class Intake
{
    public static Intake<TCommand> Accepted<TCommand>(string eventId, TCommand command)
        where TCommand : class => new(eventId, command, null);
}

public static class InboundFlowRegistration
{
    /// <summary>Registers one WMS -> OMS flow: its class, for the inbox and the webhook, and its definition.</summary>
    public static IServiceCollection AddInboundFlow(this IServiceCollection services, InboundFlowDefinition flow)
    {
        services.AddSingleton(flow.FlowType);
        services.AddSingleton(sp => (IInboundFlow)sp.GetRequiredService(flow.FlowType));
        services.AddSingleton(sp => (IInboxFlow)sp.GetRequiredService(flow.FlowType));
        services.AddSingleton(flow);
        services.AddFailedSyncFlow(flow.Name, FailedSyncDirection.WmsToOms); // a refusal people can fix, replayed through the inbox
        return services;
    }

    /// <summary>Registers anything else whose events go through the inbox (marketplace orders, corrections, overrides).</summary>
    public static IServiceCollection AddInboxFlow<TFlow>(this IServiceCollection services)
        where TFlow : class, IInboxFlow =>
        services.AddSingleton<IInboxFlow, TFlow>();
}
