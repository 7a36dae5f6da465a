using WmsFunctions.Flows.Channels;
using WmsFunctions.Flows.PurchaseOrderReceipts;
using WmsFunctions.Flows.PurchaseOrders;
using WmsFunctions.Flows.Reconciliation;

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
}
