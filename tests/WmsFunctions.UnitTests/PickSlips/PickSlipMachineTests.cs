using CsCheck;
using WmsFunctions.Flows.PickSlips;

namespace WmsFunctions.UnitTests.PickSlips;

public class PickSlipMachineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly PickSlipDeadlines Deadlines = new(TimeSpan.FromMinutes(30), TimeSpan.FromHours(8));

    private static readonly SlipGenerated Generated = new("ORD-1", "east", "DC1", "standard",
        [new OrderedLine(1, "100234", 5), new OrderedLine(2, "100235", 2)], 3, Reprint: false);

    private static PickSlipSnapshot Run(params PickSlipCommand[] commands) => RunAll(commands).Slip!;

    private static (PickSlipSnapshot? Slip, List<PickSlipDecision> Decisions) RunAll(params PickSlipCommand[] commands)
    {
        PickSlipSnapshot? slip = null;
        var decisions = new List<PickSlipDecision>();
        var now = T0;
        foreach (var command in commands)
        {
            now = now.AddMinutes(1);
            var decision = PickSlipMachine.Decide("acme", "PS-1", slip, command, now, Deadlines);
            decisions.Add(decision);
            slip = decision.Next ?? slip;
        }

        return (slip, decisions);
    }

    private static ShipmentConfirmed Ship(params (int Line, long Quantity, string? Tracking)[] lines) => new(
        lines.Select(l => new LineQuantity(l.Line, l.Quantity)).ToArray(),
        lines.Select(l => new PickSlipCarton(null, l.Tracking, "UPS", "GROUND", 1.5m, "kg", 4.2m, [new CartonContent(l.Line, l.Quantity)])).ToArray());

    [Fact]
    public void FullPath_GeneratedToShipped_MovesForwardEachStep()
    {
        var (slip, decisions) = RunAll(Generated, new SlipSent(), new WmsProgress(PickSlipState.Acknowledged),
            new WmsProgress(PickSlipState.Picked), new WmsProgress(PickSlipState.Packed), Ship((1, 5, "1Z1"), (2, 2, "1Z2")));

        Assert.Equal(PickSlipState.Shipped, slip!.State);
        Assert.All(decisions, d => Assert.Equal(PickSlipOutcome.Applied, d.Outcome));
        Assert.Equal(["pickslip.generated", "pickslip.sent", "pickslip.acknowledged", "pickslip.picked", "pickslip.packed", "pickslip.shipped"],
            decisions.Select(d => d.StatusEvent));
        Assert.Equal(["1Z1", "1Z2"], slip.TrackingNumbers);
        Assert.Equal(0, slip.Open);
    }

    [Fact]
    public void PartialShipments_SumToTheSlip_TrackingNumbersMergeNeverReplace()
    {
        var afterFirst = Run(Generated, new SlipSent(), Ship((1, 3, "1Z1")));
        var afterSecond = Run(Generated, new SlipSent(), Ship((1, 3, "1Z1")), Ship((1, 2, "1Z2"), (2, 2, "1Z2")));

        Assert.Equal(PickSlipState.PartiallyShipped, afterFirst.State);
        Assert.Equal(PickSlipState.Shipped, afterSecond.State);
        Assert.Equal(["1Z1", "1Z2"], afterSecond.TrackingNumbers);
        Assert.Equal([5L, 2L], afterSecond.Lines.Select(l => l.Shipped));
        Assert.Equal(2, afterSecond.Cartons.Count);
    }

    [Fact]
    public void ShipBeforeAcknowledge_ThenTheLateAcknowledge_IsIgnored_NeverBackwards()
    {
        var (slip, decisions) = RunAll(Generated, new SlipSent(), Ship((1, 2, "1Z1")), new WmsProgress(PickSlipState.Acknowledged), new WmsProgress(PickSlipState.Packed));

        Assert.Equal(PickSlipState.PartiallyShipped, slip!.State);
        Assert.Equal(PickSlipOutcome.Ignored, decisions[3].Outcome);
        Assert.Equal(PickSlipOutcome.Ignored, decisions[4].Outcome);
        Assert.Null(decisions[3].StatusEvent);
    }

    [Fact]
    public void VoidByOms_BeforeBatching_VoidsEverything()
    {
        var slip = Run(Generated, new SlipSent(), new SlipVoidedByOms(AcceptedByWms: true, "customer cancelled"));

        Assert.Equal(PickSlipState.Voided, slip.State);
        Assert.Equal([5L, 2L], slip.Lines.Select(l => l.Voided));
    }

    [Fact]
    public void VoidByOms_AfterTheWmsBatched_IsFlagged_AndTheSlipCanStillShip()
    {
        var (slip, decisions) = RunAll(Generated, new SlipSent(), new WmsProgress(PickSlipState.Picked),
            new SlipVoidedByOms(AcceptedByWms: false, "batched"), Ship((1, 5, "1Z1"), (2, 2, "1Z1")));

        Assert.Equal(PickSlipOutcome.Flagged, decisions[3].Outcome);
        Assert.Equal("void-refused-by-wms", decisions[3].FlagReason);
        Assert.Equal(PickSlipState.Shipped, slip!.State);
    }

    [Fact]
    public void ShipmentAfterVoid_IsFlagged_NotApplied()
    {
        var (slip, decisions) = RunAll(Generated, new SlipSent(), new VoidedByWms(Unreserve: true, null, "NOSTOCK"), Ship((1, 5, "1Z1")));

        Assert.Equal(PickSlipState.Voided, slip!.State);
        Assert.Equal(PickSlipOutcome.Flagged, decisions[3].Outcome);
        Assert.Equal("shipment-after-void", decisions[3].FlagReason);
        Assert.Empty(slip.TrackingNumbers);
    }

    [Fact]
    public void OverShipment_IsAppliedAndFlagged()
    {
        var (slip, decisions) = RunAll(Generated, new SlipSent(), Ship((1, 6, "1Z1"), (2, 2, "1Z1")));

        Assert.Equal(PickSlipOutcome.AppliedAndFlagged, decisions[2].Outcome);
        Assert.Equal("over-shipment", decisions[2].FlagReason);
        Assert.Equal(6, slip!.Lines[0].Shipped);
        Assert.Equal(PickSlipState.Shipped, slip.State);
    }

    [Fact]
    public void BackorderThenShipment_ClosesTheSlip_WithBoth()
    {
        var slip = Run(Generated, new SlipSent(), new LinesBackordered([new LineQuantity(1, 2)], "NOSTOCK"), Ship((1, 3, "1Z1"), (2, 2, "1Z1")));

        Assert.Equal(PickSlipState.Closed, slip.State);
        Assert.Equal((3L, 2L), (slip.Lines[0].Shipped, slip.Lines[0].Backordered));
    }

    [Fact]
    public void Backorder_OfMoreThanOpen_IsFlagged()
    {
        var (_, decisions) = RunAll(Generated, new LinesBackordered([new LineQuantity(2, 3)], "NOSTOCK"));

        Assert.Equal("over-backorder", decisions[1].FlagReason);
    }

    [Fact]
    public void PartialVoidByWms_OfOneLine_KeepsTheOtherOpen()
    {
        var slip = Run(Generated, new SlipSent(), new VoidedByWms(Unreserve: false, [2], "DAMAGED"));

        Assert.Equal(PickSlipState.SentToWms, slip.State);
        Assert.Equal((0L, 2L), (slip.Lines[0].Voided, slip.Lines[1].Voided));
    }

    [Fact]
    public void Events_ForAnUnknownSlip_OrUnknownLines_AreFlagged()
    {
        Assert.Equal("unknown-pick-slip", PickSlipMachine.Decide("acme", "PS-9", null, Ship((1, 1, null)), T0, Deadlines).FlagReason);
        Assert.Equal("unknown-line", RunAll(Generated, Ship((7, 1, null))).Decisions[1].FlagReason);
    }

    [Fact]
    public void GeneratedAgain_OrReprinted_ChangesNothing()
    {
        var (_, decisions) = RunAll(Generated, Generated, Generated with { Reprint = true });

        Assert.Equal([PickSlipOutcome.Applied, PickSlipOutcome.Ignored, PickSlipOutcome.Ignored], decisions.Select(d => d.Outcome));
    }

    [Fact]
    public void Deadlines_AcknowledgeThenShip_EscalateOnceEach_OnlyWhenDue()
    {
        var sent = Run(Generated, new SlipSent());
        Assert.Equal((DeadlineKind.Acknowledge, sent.SentAt!.Value + TimeSpan.FromMinutes(30)), sent.NextDeadline);

        var early = PickSlipMachine.Decide("acme", "PS-1", sent, new DeadlineMissed(DeadlineKind.Acknowledge), sent.AcknowledgeDueAt!.Value.AddSeconds(-1), Deadlines);
        Assert.Equal(PickSlipOutcome.Ignored, early.Outcome);

        var late = PickSlipMachine.Decide("acme", "PS-1", sent, new DeadlineMissed(DeadlineKind.Acknowledge), sent.AcknowledgeDueAt!.Value, Deadlines);
        Assert.Equal((PickSlipOutcome.AppliedAndFlagged, "overdue-acknowledgement"), (late.Outcome, late.FlagReason));
        Assert.Equal(DeadlineKind.Ship, late.Next!.NextDeadline!.Value.Kind);

        var again = PickSlipMachine.Decide("acme", "PS-1", late.Next, new DeadlineMissed(DeadlineKind.Acknowledge), sent.AcknowledgeDueAt!.Value.AddHours(1), Deadlines);
        Assert.Equal(PickSlipOutcome.Ignored, again.Outcome);
    }

    [Fact]
    public void TerminalSlips_HaveNoDeadline() =>
        Assert.Null(Run(Generated, new SlipSent(), Ship((1, 5, "1Z1"), (2, 2, "1Z1"))).NextDeadline);

    [Fact]
    public void AnySequenceOfWmsEvents_NeverMovesAStateBackwards_AndKeepsQuantitiesConsistent()
    {
        var genEvent = Gen.OneOf<PickSlipCommand>(
            Gen.Const<PickSlipCommand>(new SlipSent()),
            Gen.Int[2, 4].Select(i => (PickSlipState)i).Select(s => (PickSlipCommand)new WmsProgress(s)),
            Gen.Select(Gen.Int[1, 2], Gen.Long[0, 4]).Select((line, qty) => (PickSlipCommand)Ship((line, qty, "T" + qty))),
            Gen.Select(Gen.Int[1, 2], Gen.Long[1, 3]).Select((line, qty) => (PickSlipCommand)new LinesBackordered([new LineQuantity(line, qty)], "R")),
            Gen.Bool.Select(u => (PickSlipCommand)new VoidedByWms(u, null, "R")));

        genEvent.Array[0, 12].Sample(events =>
        {
            PickSlipSnapshot? slip = null;
            var now = T0;
            foreach (var command in events.Prepend(Generated))
            {
                now = now.AddMinutes(1);
                var before = slip;
                slip = PickSlipMachine.Decide("acme", "PS-1", slip, command, now, Deadlines).Next ?? slip;
                if (before is null)
                {
                    continue;
                }

                var forward = before.State.IsTerminal() ? slip!.State == before.State : slip!.State.Rank() >= before.State.Rank() || slip.State.IsTerminal();
                var consistent = slip.Lines.All(l => l.Voided + l.Backordered <= l.Ordered && l.Shipped >= 0)
                    && slip.TrackingNumbers.Count >= before.TrackingNumbers.Count
                    && slip.Lines.Zip(before.Lines).All(p => p.First.Shipped >= p.Second.Shipped);
                if (!forward || !consistent)
                {
                    return false;
                }
            }

            return true;
        });
    }
}
