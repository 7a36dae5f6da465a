using System.Globalization;
using System.Text.Json;
using WmsFunctions.Flows.Items;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Json;
using WmsFunctions.Platform.Problems;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Operations;

/// <summary>An operator's stock override: the counted quantity of one SKU in one area of a WMS instance, as of now.</summary>
public sealed record StockOverride(string OverrideId, string Instance, string Location, string Sku, long Quantity, string Reason);

/// <summary>An operator's pick-slip override: <c>shipped</c> (every open line, no cartons) or <c>voided</c>.</summary>
public sealed record PickSlipOverride(string OverrideId, string PickSlipId, string Action, bool Unreserve, string Reason);

/// <summary>What a stored operator override holds (the inbox command).</summary>
public sealed record OperatorStockCommand(string Actor, string Reason, DateTimeOffset OccurredAt, string Location, StockChange Change);

public sealed record OperatorPickSlipCommand(string Actor, string Reason, string PickSlipId, string Action, bool Unreserve, string ServiceLevel);

/// <summary>The answer to an override (and the data of the OMS event for a stock override).</summary>
public sealed record OverrideAnswer(string OverrideId, string Outcome, string Actor, string Reason, string Summary, string? State = null, long? OnHandAfter = null);

/// <summary>
/// Manual overrides by operators. Both go through the same inbound pipeline as a WMS's events (inbox row first, outbox
/// message reserved, effect applied once, outbox released), so they are applied exactly once per override id, reach
/// the OMS as CloudEvents whose source names the operator, and are audited with actor and reason.
/// Stock: a count of one area through the stock ledger. Pick slip: an event for the slip's state machine with source
/// operator:{actor}; what the machine would not apply (a slip already shipped or voided, shipped after a void) is
/// refused before anything is written.
/// </summary>
public sealed class OperatorOverrides(
    TenantDirectory tenants, ItemCatalog items, EventPipeline pipeline, PickSlipOrchestrator slips, PickSlipDeadlineDirectory deadlineDirectory,
    AuditLog audit, TimeProvider time)
{
    public const string StockFlow = "operator-stock";
    public const string PickSlipFlow = "operator-pickslip";

    public async Task<InboundResult> SetStockAsync(string tenant, StockOverride request, string actor, string correlationId, CancellationToken cancellationToken)
    {
        if (!tenants.TryGet(tenant, request.Instance, out var wms))
        {
            return InboundResult.Refused(Invalid("instance", $"Tenant '{tenant}' has no WMS instance '{request.Instance}'."));
        }

        if (InboundMapping.ResolveLocation(wms, request.Location, out var area) is { } problem)
        {
            return InboundResult.Refused(problem);
        }

        if (!await items.ExistsAsync(tenant, request.Sku, cancellationToken).ConfigureAwait(false))
        {
            return InboundResult.Refused(Problem.UnknownSku(request.Sku, request.Sku));
        }

        var now = time.GetUtcNow();
        var command = new OperatorStockCommand(actor, request.Reason, now, request.Location,
            new StockChange(area.Warehouse!, area.Area!, request.Sku, StockChangeKind.Count, request.Quantity));
        var result = await pipeline.AcceptAsync(
            new InboundEvent(tenant, wms.Id, StockFlow, request.OverrideId,
                ContractJson.Hash(new { request.Location, request.Sku, request.Quantity }), JsonSerializer.Serialize(command, ContractJson.Options), correlationId),
            cancellationToken).ConfigureAwait(false);
        if (result.Problem is null && !result.Replayed)
        {
            await AuditAsync(tenant, wms.Id, "stock", $"{area.Warehouse}/{request.Sku}", request.OverrideId, correlationId, "override-stock", actor, request.Reason,
                string.Create(CultureInfo.InvariantCulture, $"set {request.Sku} in {request.Location} ({area.Warehouse}) to {request.Quantity}"), cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    public async Task<InboundResult> OverridePickSlipAsync(string tenant, PickSlipOverride request, string actor, string correlationId, CancellationToken cancellationToken)
    {
        var slip = await slips.GetAsync(tenant, request.PickSlipId, cancellationToken).ConfigureAwait(false);
        if (slip is null)
        {
            return InboundResult.Refused(new Problem("pick-slip-not-found", 404, "Pick slip not found", $"Tenant '{tenant}' has no pick slip '{request.PickSlipId}'."));
        }

        if (!tenants.TryGet(tenant, slip.Instance, out var wms) || deadlineDirectory.For(tenant, slip.Instance, slip.ServiceLevel) is not { } deadlines)
        {
            return InboundResult.Refused(new Problem("illegal-transition", 409, "Override not allowed", $"The slip's WMS instance '{slip.Instance}' is no longer configured."));
        }

        var command = new OperatorPickSlipCommand(actor, request.Reason, request.PickSlipId, request.Action, request.Unreserve, slip.ServiceLevel);
        var decision = PickSlipMachine.Decide(tenant, request.PickSlipId, slip, OperatorPickSlipFlow.ToSlipCommand(command, slip), time.GetUtcNow(), deadlines);
        if (decision.Outcome is not (PickSlipOutcome.Applied or PickSlipOutcome.AppliedAndFlagged))
        {
            return InboundResult.Refused(new Problem("illegal-transition", 409, "Override not allowed by the slip's state machine",
                $"Pick slip '{request.PickSlipId}' is {slip.State.Name()}: marking it {request.Action} would not apply ({decision.Summary}). Nothing was changed."));
        }

        var result = await pipeline.AcceptAsync(
            new InboundEvent(tenant, wms.Id, PickSlipFlow, request.OverrideId,
                ContractJson.Hash(new { request.PickSlipId, request.Action, request.Unreserve }), JsonSerializer.Serialize(command, ContractJson.Options), correlationId),
            cancellationToken).ConfigureAwait(false);
        if (result.Problem is null && !result.Replayed)
        {
            await AuditAsync(tenant, wms.Id, "pick-slip", request.PickSlipId, request.OverrideId, correlationId, "override-pickslip", actor, request.Reason,
                $"marked {request.Action} (was {slip.State.Name()})", cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private Task AuditAsync(
        string tenant, string instance, string entityType, string entityId, string overrideId, string correlationId, string outcome, string actor, string reason, string summary,
        CancellationToken cancellationToken) =>
        audit.WriteAsync(
            new AuditEntry(tenant, time.GetUtcNow(), "operations", outcome, Instance: instance, EntityType: entityType, EntityId: entityId,
                EventId: overrideId, CorrelationId: correlationId, Reason: reason, Summary: summary, Actor: actor),
            $"{outcome}|{overrideId}",
            cancellationToken);

    private static Problem Invalid(string field, string message) =>
        Problem.InvalidEvent(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>The CloudEvent source of everything an operator did: names the operator, not a WMS.</summary>
    public static string SourceOf(string tenant, string actor) => $"/tenants/{tenant}/operators/{Uri.EscapeDataString(actor)}";
}

/// <summary>Applies a stored stock override: a count of one area through the ledger, published as inventory.counted.</summary>
public sealed class OperatorStockFlow(StockLedger ledger) : IInboxFlow
{
    public string Name => OperatorOverrides.StockFlow;

    public async Task<InboundOutcome> ApplyAsync(InboxEntity record, CancellationToken cancellationToken)
    {
        var command = JsonSerializer.Deserialize<OperatorStockCommand>(record.Command, ContractJson.Options)
            ?? throw new InvalidOperationException($"Inbox row for override '{record.EventId}' holds no command.");
        var result = (await ledger.ApplyAsync(
            new StockEventRef(record.Tenant, record.Instance, Name, record.EventId, command.OccurredAt, "override", "OPERATOR"),
            [command.Change],
            cancellationToken).ConfigureAwait(false))[0];
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{result.Warehouse}/{result.Sku} set by {command.Actor}: {(result.Applied ? $"{result.Quantity:+0;-0;0} -> {result.OnHandAfter}" : "superseded")}");
        var answer = new OverrideAnswer(record.EventId, result.Applied ? "applied" : "superseded", command.Actor, command.Reason, summary, OnHandAfter: result.OnHandAfter);
        var omsEvent = OmsEvent.Create(
            $"{record.Tenant}/operators/stock/{record.EventId}",
            OperatorOverrides.SourceOf(record.Tenant, command.Actor),
            "inventory.counted",
            $"{result.Warehouse}/{result.Sku}",
            command.OccurredAt,
            record.Tenant,
            record.CorrelationId,
            new
            {
                overrideId = record.EventId, transaction = "override", status = answer.Outcome, occurredAt = command.OccurredAt,
                actor = command.Actor, reason = command.Reason, location = command.Location,
                movements = new[] { new { warehouse = result.Warehouse, sku = result.Sku, quantity = result.Quantity, onHandAfter = result.OnHandAfter, applied = result.Applied } },
            });
        return new InboundOutcome(answer.Outcome, 200, JsonSerializer.Serialize(answer, ContractJson.Options), omsEvent, summary);
    }
}

/// <summary>Applies a stored pick-slip override through the orchestration, source operator:{actor}; the OMS hears the slip's new status.</summary>
public sealed class OperatorPickSlipFlow(PickSlipOrchestrator slips, PickSlipDeadlineDirectory deadlineDirectory) : IInboxFlow
{
    public string Name => OperatorOverrides.PickSlipFlow;

    public static PickSlipCommand ToSlipCommand(OperatorPickSlipCommand command, PickSlipSnapshot slip) => command.Action == "shipped"
        ? new ShipmentConfirmed(slip.Lines.Where(l => l.Open > 0).Select(l => new LineQuantity(l.Line, l.Open)).ToArray(), [])
        : new VoidedByWms(command.Unreserve, null, "OPERATOR");

    public async Task<InboundOutcome> ApplyAsync(InboxEntity record, CancellationToken cancellationToken)
    {
        var command = JsonSerializer.Deserialize<OperatorPickSlipCommand>(record.Command, ContractJson.Options)
            ?? throw new InvalidOperationException($"Inbox row for override '{record.EventId}' holds no command.");
        var deadlines = deadlineDirectory.For(record.Tenant, record.Instance, command.ServiceLevel)
            ?? throw new InvalidOperationException($"WMS instance {record.Tenant}/{record.Instance} is no longer configured.");

        // The snapshot fixes which lines were open when the override was decided; a replay after a crash reads the slip
        // again, and the orchestration's event marker makes sure only the first decision counts.
        var slip = await slips.GetAsync(record.Tenant, command.PickSlipId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Pick slip '{command.PickSlipId}' disappeared.");
        var result = await slips.ApplyAsync(
            record.Tenant, command.PickSlipId, "operator:" + command.Actor, record.EventId, ToSlipCommand(command, slip),
            deadlines, record.CorrelationId, cancellationToken).ConfigureAwait(false);
        var outcome = result.Outcome switch
        {
            PickSlipOutcome.Applied => "applied",
            PickSlipOutcome.AppliedAndFlagged => "applied-and-flagged",
            PickSlipOutcome.Ignored => "ignored",
            _ => "flagged",
        };
        var state = result.Slip?.State.Name() ?? slip.State.Name();
        var answer = new OverrideAnswer(record.EventId, outcome, command.Actor, command.Reason, result.Summary, state);
        return new InboundOutcome(outcome, 200, JsonSerializer.Serialize(answer, ContractJson.Options), result.StatusEvent,
            $"{command.PickSlipId} marked {command.Action} by {command.Actor}: {result.Summary}");
    }
}
