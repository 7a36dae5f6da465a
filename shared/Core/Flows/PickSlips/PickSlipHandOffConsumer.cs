using Microsoft.Extensions.Logging;

namespace WmsFunctions.Flows.PickSlips;

/// <summary>
/// The OMS side of the orchestration: each hand-off from pick slip out (generated, reprinted or voided, and
/// whether the WMS accepted it) becomes events for the slip, de-duplicated on the hand-off id, and the OMS hears
/// the slip's new status. Quantities are followed as the WMS received them (eaches for instances that count eaches).
/// </summary>
public sealed partial class PickSlipHandOffConsumer(PickSlipOrchestrator slips, PickSlipDeadlineDirectory deadlineDirectory, ILogger<PickSlipHandOffConsumer> logger)
{
    public const string DefaultServiceLevel = "standard";

    public async Task<IReadOnlyList<string>> HandleAsync(PickSlipHandedOff handOff, CancellationToken cancellationToken)
    {
        var serviceLevel = handOff.Service ?? DefaultServiceLevel;
        if (deadlineDirectory.For(handOff.Tenant, handOff.Instance, serviceLevel) is not { } deadlines)
        {
            LogUnknownInstance(logger, handOff.Tenant, handOff.Instance, handOff.PickSlipId);
            return [];
        }

        var correlationId = handOff.CorrelationId ?? handOff.HandOffId;
        var commands = new List<(string Step, PickSlipCommand Command)>();
        switch (handOff.Kind)
        {
            case "generated" or "reprint":
                commands.Add(("generated", new SlipGenerated(
                    handOff.OrderId, handOff.Instance, handOff.Warehouse, serviceLevel,
                    handOff.Lines.Where(l => !l.Backordered).Select(l => new OrderedLine(l.LineNumber, l.Sku, l.WmsQuantity)).ToArray(),
                    handOff.OmsVersion, handOff.Kind == "reprint")));
                commands.Add(("delivery", handOff.Delivery == "sent"
                    ? new SlipSent()
                    : new SlipDeliveryFailed($"{handOff.Delivery}{(handOff.Reason is null ? "" : ": " + handOff.Reason)}")));
                break;
            case "voided":
                commands.Add(("voided", new SlipVoidedByOms(
                    handOff.Delivery == "sent",
                    handOff.Delivery == "sent" ? handOff.Reason : $"{handOff.Delivery}{(handOff.Reason is null ? "" : ": " + handOff.Reason)}")));
                break;
            default:
                throw new InvalidOperationException($"Pick-slip hand-off '{handOff.HandOffId}' has an unknown kind '{handOff.Kind}'.");
        }

        var statusEvents = new List<string>();
        foreach (var (step, command) in commands)
        {
            var result = await slips.ApplyAsync(
                handOff.Tenant, handOff.PickSlipId, "oms", $"{handOff.HandOffId}|{step}", command, deadlines, correlationId, cancellationToken).ConfigureAwait(false);
            if (result.StatusEvent is { } status)
            {
                statusEvents.Add(status);
            }
        }

        return statusEvents;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Pick-slip hand-off for {Tenant}/{Instance} slip {PickSlipId}: the instance is not configured")]
    private static partial void LogUnknownInstance(ILogger logger, string tenant, string instance, string pickSlipId);
}
