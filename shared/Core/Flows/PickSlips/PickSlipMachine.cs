using System.Globalization;

namespace WmsFunctions.Flows.PickSlips;

/// <summary>Something that happened to a pick slip, from the OMS side, the WMS side or the clock.</summary>
public abstract record PickSlipCommand;

/// <summary>The OMS generated (or reprinted) the slip and sent it to <paramref name="Instance"/>.</summary>
public sealed record SlipGenerated(
    string OrderId, string Instance, string Warehouse, string ServiceLevel,
    IReadOnlyList<OrderedLine> Lines, long OmsVersion, bool Reprint) : PickSlipCommand;

public sealed record OrderedLine(int Line, string Sku, long Quantity);

/// <summary>The WMS accepted the slip (its answer to the delivery was 2xx).</summary>
public sealed record SlipSent : PickSlipCommand;

/// <summary>The slip could not be delivered, or the WMS refused it.</summary>
public sealed record SlipDeliveryFailed(string Reason) : PickSlipCommand;

/// <summary>The OMS voided the slip; <paramref name="AcceptedByWms"/> is false when the WMS refused (it had batched it).</summary>
public sealed record SlipVoidedByOms(bool AcceptedByWms, string? Reason) : PickSlipCommand;

/// <summary>The WMS reports progress: acknowledged, picked or packed.</summary>
public sealed record WmsProgress(PickSlipState Status) : PickSlipCommand;

public sealed record ShipmentConfirmed(IReadOnlyList<LineQuantity> Lines, IReadOnlyList<PickSlipCarton> Cartons) : PickSlipCommand;

public sealed record LineQuantity(int Line, long Quantity);

/// <summary>The WMS voided the slip (or some lines) as unfulfillable; <paramref name="Unreserve"/>: release the OMS reservation.</summary>
public sealed record VoidedByWms(bool Unreserve, IReadOnlyList<int>? Lines, string? ReasonCode) : PickSlipCommand;

public sealed record LinesBackordered(IReadOnlyList<LineQuantity> Lines, string ReasonCode) : PickSlipCommand;

public sealed record DeadlineMissed(DeadlineKind Kind) : PickSlipCommand;

public enum PickSlipOutcome
{
    /// <summary>The slip changed.</summary>
    Applied,

    /// <summary>The slip changed, and a person should look (e.g. more shipped than ordered).</summary>
    AppliedAndFlagged,

    /// <summary>Late or repeated: nothing changes and nothing is wrong.</summary>
    Ignored,

    /// <summary>Not applied: a person must decide (e.g. a shipment after a void).</summary>
    Flagged,
}

/// <summary>What an event does to a slip. <see cref="StatusEvent"/> names the OMS-bound event, when the OMS must hear of it.</summary>
public sealed record PickSlipDecision(
    PickSlipOutcome Outcome,
    PickSlipSnapshot? Next,
    string Summary,
    string? StatusEvent = null,
    string? FlagReason = null);

/// <summary>
/// The pick-slip state machine, pure: the current snapshot and an event in, a decision out. States only move
/// forward; a late or repeated event is ignored; what cannot be applied without a person is flagged, never
/// dropped and never applied silently.
/// </summary>
public static class PickSlipMachine
{
    public static PickSlipDecision Decide(
        string tenant, string pickSlipId, PickSlipSnapshot? slip, PickSlipCommand command, DateTimeOffset now, PickSlipDeadlines deadlines)
    {
        if (command is SlipGenerated generated)
        {
            return Generate(tenant, pickSlipId, slip, generated, now, deadlines);
        }

        if (slip is null)
        {
            return new PickSlipDecision(PickSlipOutcome.Flagged, null, $"{Describe(command)} for a pick slip the hub does not know", FlagReason: "unknown-pick-slip");
        }

        return command switch
        {
            SlipSent => Sent(slip, now, deadlines),
            SlipDeliveryFailed failed => new PickSlipDecision(PickSlipOutcome.Flagged, null, $"delivery to {slip.Instance} failed: {failed.Reason}", FlagReason: "delivery-failed"),
            SlipVoidedByOms omsVoid => VoidByOms(slip, omsVoid, now),
            WmsProgress progress => Progress(slip, progress, now),
            ShipmentConfirmed shipment => Ship(slip, shipment, now),
            VoidedByWms wmsVoid => VoidByWms(slip, wmsVoid, now),
            LinesBackordered backorder => Backorder(slip, backorder, now),
            DeadlineMissed missed => Missed(slip, missed, now),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown pick-slip command."),
        };
    }

    private static PickSlipDecision Generate(
        string tenant, string pickSlipId, PickSlipSnapshot? slip, SlipGenerated generated, DateTimeOffset now, PickSlipDeadlines deadlines)
    {
        if (slip is not null)
        {
            return generated.Reprint
                ? new PickSlipDecision(PickSlipOutcome.Ignored, null, "reprinted (the slip itself is unchanged)")
                : new PickSlipDecision(PickSlipOutcome.Ignored, null, "generated again: already followed");
        }

        var created = new PickSlipSnapshot(
            tenant, pickSlipId, generated.OrderId, generated.Instance, generated.Warehouse, generated.ServiceLevel,
            PickSlipState.Generated,
            generated.Lines.Select(l => new PickSlipLine(l.Line, l.Sku, l.Quantity)).ToArray(),
            [], [], now, null, now, null, now + deadlines.ShipWithin, false, false, generated.OmsVersion);
        return new PickSlipDecision(PickSlipOutcome.Applied, created,
            $"generated{(generated.Reprint ? " (first seen as a reprint)" : "")} for {generated.Instance}: {created.Lines.Count} lines, {created.Open} units",
            "pickslip.generated");
    }

    private static PickSlipDecision Sent(PickSlipSnapshot slip, DateTimeOffset now, PickSlipDeadlines deadlines)
    {
        if (slip.State != PickSlipState.Generated)
        {
            return Ignore(slip, "sent");
        }

        var next = With(slip, PickSlipState.SentToWms, now) with { SentAt = now, AcknowledgeDueAt = now + deadlines.AcknowledgeWithin };
        return new PickSlipDecision(PickSlipOutcome.Applied, next, "sent to the WMS", "pickslip.sent");
    }

    private static PickSlipDecision VoidByOms(PickSlipSnapshot slip, SlipVoidedByOms omsVoid, DateTimeOffset now)
    {
        if (slip.State.IsTerminal())
        {
            return Ignore(slip, "voided by the OMS");
        }

        if (!omsVoid.AcceptedByWms)
        {
            return new PickSlipDecision(PickSlipOutcome.Flagged, null,
                $"the OMS voided it but the WMS refused ({omsVoid.Reason ?? "no reason given"}): it may still ship", FlagReason: "void-refused-by-wms");
        }

        var lines = slip.Lines.Select(l => l with { Voided = l.Voided + l.Open }).ToArray();
        var next = Finish(With(slip, slip.State, now) with { Lines = lines });
        return new PickSlipDecision(PickSlipOutcome.Applied, next, $"voided by the OMS before shipping{Reason(omsVoid.Reason)}", "pickslip.voided");
    }

    private static PickSlipDecision Progress(PickSlipSnapshot slip, WmsProgress progress, DateTimeOffset now)
    {
        if (progress.Status is not (PickSlipState.Acknowledged or PickSlipState.Picked or PickSlipState.Packed))
        {
            throw new ArgumentOutOfRangeException(nameof(progress), progress.Status, "A WMS reports progress as acknowledged, picked or packed.");
        }

        if (slip.State.IsTerminal() || slip.State.Rank() >= progress.Status.Rank())
        {
            return Ignore(slip, progress.Status.Name());
        }

        return new PickSlipDecision(PickSlipOutcome.Applied, With(slip, progress.Status, now),
            progress.Status.Name() + " by the WMS", "pickslip." + progress.Status.Name());
    }

    private static PickSlipDecision Ship(PickSlipSnapshot slip, ShipmentConfirmed shipment, DateTimeOffset now)
    {
        if (slip.State == PickSlipState.Voided)
        {
            return new PickSlipDecision(PickSlipOutcome.Flagged, null,
                $"shipment of {shipment.Lines.Sum(l => l.Quantity)} units after the slip was voided: not applied", FlagReason: "shipment-after-void");
        }

        if (UnknownLines(slip, shipment.Lines.Select(l => l.Line)) is { } unknown)
        {
            return new PickSlipDecision(PickSlipOutcome.Flagged, null, $"shipment names lines the slip does not have: {unknown}", FlagReason: "unknown-line");
        }

        var over = new List<string>();
        var lines = slip.Lines.Select(line =>
        {
            var shipped = shipment.Lines.Where(s => s.Line == line.Line).Sum(s => s.Quantity);
            if (shipped > line.Open)
            {
                over.Add(string.Create(CultureInfo.InvariantCulture, $"line {line.Line}: {shipped} shipped, {line.Open} open"));
            }

            return line with { Shipped = line.Shipped + shipped };
        }).ToArray();

        // Cartons merge by key and tracking numbers only ever grow: a later message never erases an earlier one.
        var cartons = slip.Cartons.ToList();
        foreach (var carton in shipment.Cartons)
        {
            var index = cartons.FindIndex(c => c.Key == carton.Key);
            if (index < 0)
            {
                cartons.Add(carton);
            }
        }

        var tracking = slip.TrackingNumbers
            .Concat(shipment.Cartons.Select(c => c.TrackingNumber).OfType<string>())
            .Distinct(StringComparer.Ordinal).ToArray();
        var next = Finish(With(slip, slip.State, now) with { Lines = lines, Cartons = cartons, TrackingNumbers = tracking });
        if (!next.State.IsTerminal())
        {
            next = next with { State = PickSlipState.PartiallyShipped };
        }

        var summary = $"shipped {shipment.Lines.Sum(l => l.Quantity)} units in {shipment.Cartons.Count} cartons";
        return over.Count == 0
            ? new PickSlipDecision(PickSlipOutcome.Applied, next, summary, "pickslip." + next.State.Name())
            : new PickSlipDecision(PickSlipOutcome.AppliedAndFlagged, next, $"{summary}; more than open: {string.Join("; ", over)}",
                "pickslip." + next.State.Name(), "over-shipment");
    }

    private static PickSlipDecision VoidByWms(PickSlipSnapshot slip, VoidedByWms wmsVoid, DateTimeOffset now)
    {
        if (slip.State.IsTerminal())
        {
            return Ignore(slip, "voided by the WMS");
        }

        if (wmsVoid.Lines is { } named && UnknownLines(slip, named) is { } unknown)
        {
            return new PickSlipDecision(PickSlipOutcome.Flagged, null, $"void names lines the slip does not have: {unknown}", FlagReason: "unknown-line");
        }

        var lines = slip.Lines
            .Select(l => wmsVoid.Lines is null || wmsVoid.Lines.Contains(l.Line) ? l with { Voided = l.Voided + l.Open } : l)
            .ToArray();
        var next = Finish(With(slip, slip.State, now) with { Lines = lines });
        var scope = wmsVoid.Lines is null ? "the slip" : $"lines {string.Join(", ", wmsVoid.Lines)}";
        return new PickSlipDecision(PickSlipOutcome.Applied, next,
            $"{scope} voided by the WMS as unfulfillable ({(wmsVoid.Unreserve ? "unreserve" : "keep the reservation")}){Reason(wmsVoid.ReasonCode)}",
            "pickslip.voided");
    }

    private static PickSlipDecision Backorder(PickSlipSnapshot slip, LinesBackordered backorder, DateTimeOffset now)
    {
        if (slip.State.IsTerminal())
        {
            return Ignore(slip, "backordered");
        }

        if (UnknownLines(slip, backorder.Lines.Select(l => l.Line)) is { } unknown)
        {
            return new PickSlipDecision(PickSlipOutcome.Flagged, null, $"backorder names lines the slip does not have: {unknown}", FlagReason: "unknown-line");
        }

        var tooMuch = backorder.Lines.Where(b => b.Quantity > slip.Lines.Single(l => l.Line == b.Line).Open).ToArray();
        if (tooMuch.Length > 0)
        {
            return new PickSlipDecision(PickSlipOutcome.Flagged, null,
                $"backorder of more than is open on line {string.Join(", ", tooMuch.Select(t => t.Line))}: not applied", FlagReason: "over-backorder");
        }

        var lines = slip.Lines.Select(l => l with { Backordered = l.Backordered + backorder.Lines.Where(b => b.Line == l.Line).Sum(b => b.Quantity) }).ToArray();
        var next = Finish(With(slip, slip.State, now) with { Lines = lines });
        return new PickSlipDecision(PickSlipOutcome.Applied, next,
            $"backordered {backorder.Lines.Sum(l => l.Quantity)} units{Reason(backorder.ReasonCode)}", "pickslip.backordered");
    }

    private static PickSlipDecision Missed(PickSlipSnapshot slip, DeadlineMissed missed, DateTimeOffset now)
    {
        if (slip.NextDeadline is not { } due || due.Kind != missed.Kind || due.DueAt > now)
        {
            return Ignore(slip, $"{missed.Kind.ToString().ToLowerInvariant()} deadline");
        }

        var next = missed.Kind == DeadlineKind.Acknowledge
            ? slip with { AcknowledgeEscalated = true, UpdatedAt = now }
            : slip with { ShipEscalated = true, UpdatedAt = now };
        var what = missed.Kind == DeadlineKind.Acknowledge ? "not acknowledged" : "not shipped";
        return new PickSlipDecision(PickSlipOutcome.AppliedAndFlagged, next,
            string.Create(CultureInfo.InvariantCulture, $"{what} by {due.DueAt:O} (state {slip.State.Name()}): escalated"),
            "pickslip.overdue", missed.Kind == DeadlineKind.Acknowledge ? "overdue-acknowledgement" : "overdue-shipment");
    }

    /// <summary>Ends the slip when nothing is open: shipped, voided (nothing shipped) or closed (a mix).</summary>
    private static PickSlipSnapshot Finish(PickSlipSnapshot slip)
    {
        if (slip.Open > 0)
        {
            return slip;
        }

        var shipped = slip.Lines.Sum(l => l.Shipped);
        var state = shipped == 0 ? PickSlipState.Voided
            : slip.Lines.All(l => l.Voided == 0 && l.Backordered == 0) ? PickSlipState.Shipped
            : PickSlipState.Closed;
        return slip with { State = state };
    }

    private static PickSlipSnapshot With(PickSlipSnapshot slip, PickSlipState state, DateTimeOffset now) =>
        slip with { State = state, UpdatedAt = now };

    private static PickSlipDecision Ignore(PickSlipSnapshot slip, string what) =>
        new(PickSlipOutcome.Ignored, null, $"{what} arrived while {slip.State.Name()}: nothing to change");

    private static string? UnknownLines(PickSlipSnapshot slip, IEnumerable<int> lines)
    {
        var unknown = lines.Where(n => slip.Lines.All(l => l.Line != n)).Distinct().ToArray();
        return unknown.Length == 0 ? null : string.Join(", ", unknown);
    }

    private static string Reason(string? reason) => string.IsNullOrEmpty(reason) ? "" : $" (reason {reason})";

    private static string Describe(PickSlipCommand command) => command.GetType().Name;
}
