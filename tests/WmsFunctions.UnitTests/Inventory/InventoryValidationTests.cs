using WmsFunctions.Flows.Inventory;
using WmsFunctions.UnitTests.Tenancy;

namespace WmsFunctions.UnitTests.Inventory;

public class InventoryValidationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static InventoryTransactionRequest Adjust(long? quantity = 5) => new()
    {
        EventId = "e1",
        Type = "adjust",
        OccurredAt = Now.AddMinutes(-1),
        Sku = "100234",
        Location = "E-A1",
        Quantity = quantity,
    };

    private static Dictionary<string, string[]> Validate(InventoryTransactionRequest request) =>
        InventoryTransactionFlow.Validate(request, TestInstances.East(), Now);

    [Fact]
    public void Validate_GoodAdjustment_HasNoErrors() => Assert.Empty(Validate(Adjust()));

    [Theory]
    [InlineData("A")]
    [InlineData("t")]
    [InlineData("Overlay")]
    public void Validate_LetterCodesAndAnyCase_AreTypes(string type)
    {
        var request = Adjust() with { Type = type, ToLocation = type.StartsWith('t') ? "E-QA" : null };
        Assert.DoesNotContain("type", Validate(request).Keys);
    }

    [Fact]
    public void Validate_EmptyBody_NamesEveryRequiredField() =>
        Assert.Equal(["eventId", "location", "occurredAt", "quantity", "sku", "type"], Validate(new InventoryTransactionRequest()).Keys.Order());

    [Theory]
    [InlineData("adjust", 0L)]
    [InlineData("transfer", -1L)]
    [InlineData("transfer", 0L)]
    [InlineData("overlay", -1L)]
    [InlineData("adjust", 1001L)]
    [InlineData("adjust", -1001L)]
    public void Validate_QuantityOutOfRangeForType_IsRefused(string type, long quantity)
    {
        var request = Adjust(quantity) with { Type = type, ToLocation = type == "transfer" ? "E-QA" : null };
        Assert.Contains("quantity", Validate(request).Keys);
    }

    [Fact]
    public void Validate_OverlayOfZero_IsACount() =>
        Assert.Empty(Validate(Adjust(0) with { Type = "overlay" }));

    [Fact]
    public void Validate_TransferWithoutOrToSameLocation_IsRefused()
    {
        Assert.Contains("toLocation", Validate(Adjust() with { Type = "transfer" }).Keys);
        Assert.Contains("toLocation", Validate(Adjust() with { Type = "transfer", ToLocation = "e-a1" }).Keys);
        Assert.Contains("toLocation", Validate(Adjust() with { ToLocation = "E-QA" }).Keys);
    }

    [Fact]
    public void Validate_EventFromTheFuture_IsRefused_WithinSkewIsAccepted()
    {
        Assert.Contains("occurredAt", Validate(Adjust() with { OccurredAt = Now.AddMinutes(6) }).Keys);
        Assert.Empty(Validate(Adjust() with { OccurredAt = Now.AddMinutes(4) }));
    }

    [Theory]
    [InlineData(" e1")]
    [InlineData("e\n1")]
    [InlineData("")]
    public void Validate_EventIdWithSpacesOrControls_IsRefused(string eventId) =>
        Assert.Contains("eventId", Validate(Adjust() with { EventId = eventId }).Keys);

    [Fact]
    public void Validate_OverlongCodes_AreRefused()
    {
        var errors = Validate(Adjust() with { Sku = new string('x', 129), ReasonCode = new string('r', 129), Reference = new string('f', 257) });
        Assert.Equal(["reasonCode", "reference", "sku"], errors.Keys.Order());
    }

    [Theory]
    [InlineData("G")]
    [InlineData("item-transfer")]
    [InlineData("V")]
    [InlineData("Return-To-Vendor")]
    [InlineData("S")]
    [InlineData("sync")]
    public void Validate_NewCodes_AreTypes(string type) =>
        Assert.DoesNotContain("type", Validate(Adjust() with { Type = type }).Keys);

    [Fact]
    public void Validate_ItemTransfer_NeedsAnotherSku_AndAPositiveQuantity()
    {
        var g = Adjust() with { Type = "G", ToSku = "100235" };

        Assert.Empty(Validate(g));
        Assert.Empty(Validate(g with { ToLocation = "E-QA" }));
        Assert.Contains("toSku", Validate(g with { ToSku = null }).Keys);
        Assert.Contains("toSku", Validate(g with { ToSku = "100234" }).Keys);
        Assert.Contains("quantity", Validate(g with { Quantity = -5 }).Keys);
        Assert.Contains("toSku", Validate(Adjust() with { ToSku = "100235" }).Keys); // only G has a target SKU
    }

    [Fact]
    public void Validate_ReturnToVendor_NeedsItsRtvReference_AndOnlyItNamesAVendor()
    {
        var v = Adjust() with { Type = "V", Reference = "RTV-1", VendorId = "VEND-9" };

        Assert.Empty(Validate(v));
        Assert.Contains("reference", Validate(v with { Reference = null }).Keys);
        Assert.Contains("quantity", Validate(v with { Quantity = 0 }).Keys);
        Assert.Contains("vendorId", Validate(Adjust() with { VendorId = "VEND-9" }).Keys);
    }

    [Fact]
    public void Validate_Sync_TakesATotalOfZeroOrMore()
    {
        Assert.Empty(Validate(Adjust(0) with { Type = "sync" }));
        Assert.Contains("quantity", Validate(Adjust(-1) with { Type = "sync" }).Keys);
        Assert.Contains("toLocation", Validate(Adjust() with { Type = "sync", ToLocation = "E-QA" }).Keys);
    }

    [Fact]
    public void Hash_OfARequestWithoutTheNewFields_IsUnchanged()
    {
        // Events received before item transfers existed must still match their retries (same hash as then).
        var hash = WmsFunctions.Platform.Json.ContractJson.Hash(Adjust());

        var json = System.Text.Json.JsonSerializer.Serialize(Adjust(), WmsFunctions.Platform.Json.ContractJson.Options);
        Assert.DoesNotContain("toSku", json, StringComparison.Ordinal);
        Assert.DoesNotContain("vendorId", json, StringComparison.Ordinal);
        Assert.NotEqual(hash, WmsFunctions.Platform.Json.ContractJson.Hash(Adjust() with { ToSku = "x" }));
    }
}
