using System.Text.Json;
using WmsFunctions.Flows.Items;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Json;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Flows.PickSlips;

/// <summary>
/// Applies a stored pick confirmation: the slip's orchestration first (exactly once per event), then, for a
/// shipment the slip accepted, the shipped quantities leave the stock snapshot (exactly once per location).
/// The OMS hears the slip's new status; an ignored (late, repeated) confirmation tells it nothing new.
/// </summary>
public sealed class PickConfirmationFlow(PickSlipOrchestrator slips, StockLedger ledger, PickSlipDeadlineDirectory deadlineDirectory) : IInboundFlow
{
    public string Name => PickConfirmationHandler.Flow;

    public async Task<InboundOutcome> ApplyAsync(InboxEntity record, CancellationToken cancellationToken)
    {
        var command = JsonSerializer.Deserialize<PickConfirmationCommand>(record.Command, InboundJson.Options)
            ?? throw new InvalidOperationException($"Inbox row for event '{record.EventId}' holds no command.");
        var deadlines = deadlineDirectory.For(record.Tenant, record.Instance, command.ServiceLevel)
            ?? throw new InvalidOperationException($"WMS instance {record.Tenant}/{record.Instance} is no longer configured.");

        var result = await slips.ApplyAsync(
            record.Tenant, command.PickSlipId, "wms:" + record.Instance, record.EventId, command.ToSlipCommand(),
            deadlines, record.CorrelationId, cancellationToken).ConfigureAwait(false);

        var stockMoved = command.Type == PickConfirmationType.Shipped
            && result.Outcome is PickSlipOutcome.Applied or PickSlipOutcome.AppliedAndFlagged
            && command.StockChanges.Count > 0;
        if (stockMoved)
        {
            await ledger.ApplyAsync(
                new StockEventRef(record.Tenant, record.Instance, Name, record.EventId, command.OccurredAt, "ship", null),
                command.StockChanges,
                cancellationToken).ConfigureAwait(false);
        }

        var outcome = result.Outcome switch
        {
            PickSlipOutcome.Applied => "applied",
            PickSlipOutcome.AppliedAndFlagged => "applied-and-flagged",
            PickSlipOutcome.Ignored => "ignored",
            _ => "flagged",
        };
        var state = result.Slip?.State.Name() ?? "unknown";
        var answer = new PickConfirmationAnswer(record.EventId, command.PickSlipId, outcome, state, result.Summary, result.FlagReason);
        return new InboundOutcome(
            outcome,
            202,
            JsonSerializer.Serialize(answer, InboundJson.Options),
            result.StatusEvent,
            $"{command.Type.ToString().ToLowerInvariant()} {command.PickSlipId}: {result.Summary}{(result.FlagReason is null ? "" : $" [flagged: {result.FlagReason}]")}{(stockMoved ? "; stock moved" : "")}");
    }
}
