using WmsFunctions.Flows.Channels;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Flows.PurchaseOrderReceipts;
using WmsFunctions.Flows.PurchaseOrders;
using WmsFunctions.Flows.Reconciliation;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.UnitTests.Storage;

/// <summary>The text each state is stored and answered as: existing rows, clients and the OMS hold it, so it never changes.</summary>
public sealed class StatusNamesTests
{
    [Fact]
    public void RunStatus_IsStoredAndShownInLowerCase_Hyphenated() =>
        Assert.Equal(["queued", "running", "completed", "failed", "not-supported"], Enum.GetValues<RunStatus>().Select(s => s.Name()));

    [Fact]
    public void RunStatus_ParsesEachStoredName_AndNoOtherSpelling()
    {
        Assert.All(Enum.GetValues<RunStatus>(), s => Assert.Equal(s, RunStatuses.Parse(s.Name())));
        Assert.Throws<FormatException>(() => RunStatuses.Parse("NotSupported"));
        Assert.Throws<FormatException>(() => RunStatuses.Parse("Completed"));
    }

    [Fact]
    public void RunStatus_OnlyCompletedAndNotSupportedAreFinal() =>
        Assert.Equal([RunStatus.Completed, RunStatus.NotSupported], Enum.GetValues<RunStatus>().Where(s => s.IsFinal()));

    [Fact]
    public void ChannelOrderStatus_IsStoredInLowerCase()
    {
        Assert.Equal(["accepted", "held"], Enum.GetValues<ChannelOrderStatus>().Select(s => s.Name()));
        Assert.All(Enum.GetValues<ChannelOrderStatus>(), s => Assert.Equal(s, ChannelOrderStatuses.Parse(s.Name())));
        Assert.Throws<FormatException>(() => ChannelOrderStatuses.Parse("Accepted"));
    }

    [Fact]
    public void ChannelOrder_IsHeldUntilAccepted() =>
        Assert.Equal((ChannelOrderStatus.Held, "held"), (new ChannelOrderEntity().Status, new ChannelOrderEntity().StatusName));

    [Fact]
    public void PurchaseOrderStatus_IsStoredByName() =>
        Assert.Equal(["Open", "Cancelled"], Enum.GetValues<PurchaseOrderStatus>().Select(s => s.ToString()));

    [Fact]
    public void ReceiptLineStatus_IsAnsweredInLowerCase_Hyphenated() =>
        Assert.Equal(["partial", "complete", "over-received", "cancelled"], Enum.GetValues<ReceiptLineStatus>().Select(s => s.Name()));

    [Fact]
    public void PickSlipState_IsStoredAndAnsweredInLowerCase_Hyphenated() =>
        Assert.Equal(
            ["generated", "sent-to-wms", "acknowledged", "picked", "packed", "partially-shipped", "shipped", "voided", "closed"],
            Enum.GetValues<PickSlipState>().Select(s => s.Name()));

    [Fact]
    public void FailedSyncStatus_IsAnsweredInLowerCase_AndReadInAnyCase()
    {
        Assert.Equal(["open", "replaying", "replayed", "resolved", "ignored"], Enum.GetValues<FailedSyncStatus>().Select(s => s.Name()));
        Assert.Equal((true, FailedSyncStatus.Resolved), (FailedSyncStatuses.TryParse("RESOLVED", out var resolved), resolved));
        Assert.False(FailedSyncStatuses.TryParse("1", out _));
    }

    [Fact]
    public void StateNames_ParseOnlyTheSpelledName_NeverANumber()
    {
        Assert.Equal(PickSlipState.PartiallyShipped, StateNames.Parse<PickSlipState>("partially-shipped"));
        Assert.Equal("'5' is not a PickSlipState.", Assert.Throws<FormatException>(() => StateNames.Parse<PickSlipState>("5")).Message);
        Assert.Throws<FormatException>(() => StateNames.Parse<PickSlipState>("partiallyshipped"));
    }
}
