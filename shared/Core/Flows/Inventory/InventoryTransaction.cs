using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using WmsFunctions.Flows.Stock;

namespace WmsFunctions.Flows.Inventory;

/// <summary>
/// An inventory transaction as a WMS reports it in the hub's JSON contract. Codes are the WMS's own
/// (SKU, location/area); the hub maps them to the OMS's.
/// </summary>
public sealed record InventoryTransactionRequest
{
    [Required]
    [Description("The WMS's id for this event: the same on every retry, different for every new event.")]
    public string? EventId { get; init; }

    [Required]
    [Description("adjust (A), transfer (T), overlay (O), item-transfer (G), return-to-vendor (V) or sync (S).")]
    public string? Type { get; init; }

    [Required]
    [Description("When it happened in the warehouse (RFC 3339 with offset); at most 5 minutes ahead of the hub's clock.")]
    public DateTimeOffset? OccurredAt { get; init; }

    [Required]
    [Description("The WMS SKU (mapped to the OMS SKU by the instance's aliases).")]
    public string? Sku { get; init; }

    [Required]
    [Description("The WMS location or area code (one of the instance's).")]
    public string? Location { get; init; }

    [Description("transfer: where the stock went (required); item-transfer: where the target SKU is (default: location).")]
    public string? ToLocation { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] // left out of the hash when absent, as before it existed
    [Description("item-transfer: the WMS SKU the stock became (required).")]
    public string? ToSku { get; init; }

    [Required]
    [Description("adjust: signed, not 0; transfer, item-transfer, return-to-vendor: positive; overlay: the area's counted quantity; sync: the WMS's total on hand in the OMS location (0 or more).")]
    public long? Quantity { get; init; }

    [Description("The WMS's reason code (at most 128 characters).")]
    public string? ReasonCode { get; init; }

    [Description("Free text (at most 256 characters); return-to-vendor: the RTV reference (required).")]
    public string? Reference { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] // left out of the hash when absent, as before it existed
    [Description("return-to-vendor: the vendor the goods went back to.")]
    public string? VendorId { get; init; }
}

public enum InventoryTransactionType
{
    Adjust,
    Transfer,
    Overlay,
    ItemTransfer,
    ReturnToVendor,
    Sync,
}

public static class InventoryTransactionTypes
{
    public static InventoryTransactionType? Parse(string? code) => code?.Trim().ToUpperInvariant() switch
    {
        "ADJUST" or "A" => InventoryTransactionType.Adjust,
        "TRANSFER" or "T" => InventoryTransactionType.Transfer,
        "OVERLAY" or "O" => InventoryTransactionType.Overlay,
        "ITEM-TRANSFER" or "G" => InventoryTransactionType.ItemTransfer,
        "RETURN-TO-VENDOR" or "V" => InventoryTransactionType.ReturnToVendor,
        "SYNC" or "S" => InventoryTransactionType.Sync,
        _ => null,
    };

    public static string Name(this InventoryTransactionType type) => type switch
    {
        InventoryTransactionType.Adjust => "adjust",
        InventoryTransactionType.Transfer => "transfer",
        InventoryTransactionType.Overlay => "overlay",
        InventoryTransactionType.ItemTransfer => "item-transfer",
        InventoryTransactionType.ReturnToVendor => "return-to-vendor",
        _ => "sync",
    };

    /// <summary>The CloudEvent type suffix: what happened, in the past tense.</summary>
    public static string EventType(this InventoryTransactionType type) => type switch
    {
        InventoryTransactionType.Adjust => "inventory.adjusted",
        InventoryTransactionType.Transfer => "inventory.transferred",
        InventoryTransactionType.Overlay => "inventory.counted",
        InventoryTransactionType.ItemTransfer => "inventory.item-transferred",
        InventoryTransactionType.ReturnToVendor => "inventory.returned-to-vendor",
        _ => "inventory.synced",
    };
}

/// <summary>The validated, mapped transaction as the inbox stores it and the ledger applies it.</summary>
public sealed record InventoryTransactionCommand(
    InventoryTransactionType Type,
    DateTimeOffset OccurredAt,
    string? ReasonCode,
    string? Reference,
    WmsCodes Wms,
    IReadOnlyList<StockChange> Changes,
    string? VendorId = null);

/// <summary>The codes as the WMS sent them, kept for people reading the audit and the OMS event.</summary>
public sealed record WmsCodes(string Sku, string Location, string? ToLocation, string? ToSku = null);

/// <summary>The answer to the WMS, and the data of the OMS event.</summary>
public sealed record InventoryTransactionAnswer(string EventId, string Status, IReadOnlyList<MovementView> Movements);

public sealed record MovementView(string Warehouse, string Sku, long Quantity, long OnHandAfter, bool Applied, DateTimeOffset? SupersededByCountAt);

/// <summary>The data of the OMS-bound CloudEvent for an inventory transaction.</summary>
public sealed record InventoryTransactionEvent(
    string EventId,
    string Transaction,
    string Status,
    DateTimeOffset OccurredAt,
    string? ReasonCode,
    string? Reference,
    WmsCodes Wms,
    IReadOnlyList<MovementView> Movements,
    string? VendorId = null);
