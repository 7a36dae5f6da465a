using WmsFunctions.Flows.PurchaseOrderReceipts;
using WmsFunctions.Flows.ReturnReceipts;
using WmsFunctions.UnitTests.Tenancy;

namespace WmsFunctions.UnitTests.Receipts;

public class ReceiptAndReturnValidationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static PurchaseOrderReceiptRequest Receipt() => new()
    {
        EventId = "r-1", OccurredAt = Now.AddMinutes(-1), PoNumber = "PO-1", LineNumber = 1, Sku = "100234", Location = "E-A1", Quantity = 4,
    };

    private static ReturnReceiptRequest Return(params ReturnLineRequest[] lines) => new()
    {
        EventId = "ret-1", OccurredAt = Now.AddMinutes(-1), ReturnAuthorization = "RA-1", Lines = lines,
    };

    private static ReturnLineRequest Line(string disposition = "restock", long quantity = 1) =>
        new() { Sku = "100234", Quantity = quantity, Disposition = disposition, Location = "E-A1" };

    private static Dictionary<string, string[]> Validate(PurchaseOrderReceiptRequest request) =>
        PurchaseOrderReceiptFlow.Validate(request, TestInstances.East(), Now);

    private static Dictionary<string, string[]> Validate(ReturnReceiptRequest request) =>
        ReturnReceiptFlow.Validate(request, TestInstances.East(), Now);

    [Fact]
    public void Receipt_Good_HasNoErrors_AndDamagedOnlyIsAReceipt()
    {
        Assert.Empty(Validate(Receipt()));
        Assert.Empty(Validate(Receipt() with { Quantity = 0, DamagedQuantity = 2 }));
    }

    [Fact]
    public void Receipt_Empty_NamesEveryRequiredField() =>
        Assert.Equal(["eventId", "lineNumber", "location", "occurredAt", "poNumber", "quantity", "sku"], Validate(new PurchaseOrderReceiptRequest()).Keys.Order());

    [Theory]
    [InlineData(0L, null, "quantity")]
    [InlineData(0L, 0L, "quantity")]
    [InlineData(-1L, null, "quantity")]
    [InlineData(1001L, null, "quantity")]      // above the instance's MaxQuantity (1000)
    [InlineData(1L, -1L, "damagedQuantity")]
    [InlineData(1L, 1001L, "damagedQuantity")]
    public void Receipt_QuantitiesOutOfRange_AreRefused(long quantity, long? damaged, string field) =>
        Assert.Contains(field, Validate(Receipt() with { Quantity = quantity, DamagedQuantity = damaged }).Keys);

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(1_000_000)]
    public void Receipt_LineNumberOutOfRange_IsRefused(int line) =>
        Assert.Contains("lineNumber", Validate(Receipt() with { LineNumber = line }).Keys);

    [Fact]
    public void Receipt_FromTheFuture_IsRefused() =>
        Assert.Contains("occurredAt", Validate(Receipt() with { OccurredAt = Now.AddMinutes(6) }).Keys);

    [Theory]
    [InlineData("restock")]
    [InlineData("R")]
    [InlineData("Damaged")]
    [InlineData("q")]
    public void Return_DispositionsByNameOrLetter_AreAccepted(string disposition) =>
        Assert.Empty(Validate(Return(Line(disposition))));

    [Fact]
    public void Return_WithoutLinesOrWithTooMany_IsRefused()
    {
        Assert.Contains("lines", Validate(Return()).Keys);
        Assert.Contains("lines", Validate(Return() with { Lines = null }).Keys);
        Assert.Contains("lines", Validate(Return([.. Enumerable.Repeat(Line(), ReturnReceiptFlow.MaxLines + 1)])).Keys);
        Assert.Empty(Validate(Return([.. Enumerable.Repeat(Line(), ReturnReceiptFlow.MaxLines)])));
    }

    [Fact]
    public void Return_BadLine_IsNamedByItsIndex()
    {
        var errors = Validate(Return(Line(), Line("resell", 0)));

        Assert.Equal(["lines[1].disposition", "lines[1].quantity"], errors.Keys.Order());
    }

    [Fact]
    public void Return_WithoutReturnAuthorization_IsRefused() =>
        Assert.Contains("returnAuthorization", Validate(Return(Line()) with { ReturnAuthorization = " RA-1" }).Keys);
}
