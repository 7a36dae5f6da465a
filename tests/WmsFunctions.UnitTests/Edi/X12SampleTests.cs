using WmsFunctions.Edi;
using WmsFunctions.Edi.Documents;

namespace WmsFunctions.UnitTests.Edi;

public class X12SampleTests
{
    private static IX12Document ReadOne(string text)
    {
        var interchange = new X12Reader(X12Samples.Hub).Read(text);
        return Assert.Single(interchange.Documents).Document;
    }

    [Fact]
    public void Read_HandBuilt945_IsTheExpectedShipment() => Assert.Equal(X12Samples.Shipped, ReadOne(X12Samples.Shipped945));

    [Fact]
    public void Read_HandBuilt940_IsTheExpectedOrder() => Assert.Equal(X12Samples.Ordered, ReadOne(X12Samples.Ordered940));

    [Fact]
    public void Read_HandBuilt943_IsTheExpectedTransfer() => Assert.Equal(X12Samples.Transfer, ReadOne(X12Samples.TransferShipped943));

    [Fact]
    public void Read_HandBuilt944_IsTheExpectedReceipt() => Assert.Equal(X12Samples.Received, ReadOne(X12Samples.Received944));

    [Fact]
    public void Read_HandBuilt846_IsTheExpectedInventory() => Assert.Equal(X12Samples.Inventory, ReadOne(X12Samples.Inventory846));

    [Fact]
    public void Read_HandBuilt947_IsTheExpectedAdjustment() => Assert.Equal(X12Samples.Adjusted, ReadOne(X12Samples.Adjusted947));

    [Fact]
    public void Read_HandBuilt997_IsTheExpectedAcknowledgment() => Assert.Equal(X12Samples.Acknowledgment, ReadOne(X12Samples.Acknowledgment997));

    [Fact]
    public void Gtin_FromAGs1Identifier_IsTheFourteenDigitIdUnderUk()
    {
        Assert.True(Gs1.Gs1Identifiers.TryParseGtin("036000291452", out var gtin, out _));

        Assert.Equal(new X12ItemId("UK", "00036000291452"), X12ItemId.Gtin(gtin));
        Assert.Equal(new X12ItemId("UP", "00036000291452"), X12ItemId.Gtin(gtin, "UP"));
    }
}
