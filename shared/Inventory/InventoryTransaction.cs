using System.Text.Json.Serialization;
using WmsFunctions.Stock;

namespace WmsFunctions.Inventory;

/// <summary>
/// An inventory transaction as a WMS reports it in the hub's JSON contract. Codes are the WMS's own
/// (SKU, location/area); the hub maps them to the OMS's.
/// </summary>
public sealed record InventoryTransactionRequest
{
    /// <summary>The WMS's id for this event: the same on every retry, different for every new event.</summary>
    public string? EventId { get; init; }

    /// <summary>adjust (A), transfer (T), overlay (O), item-transfer (G), return-to-vendor (V) or sync (S).</summary>
    public string? Type { get; init; }

    public DateTimeOffset? OccurredAt { get; init; }

    public string? Sku { get; init; }

    public string? Location { get; init; }

    /// <summary>Transfer: where the stock went; item-transfer: where the target SKU is (default: the same location).</summary>
    public string? ToLocation { get; init; }

    /// <summary>Item-transfer only: the SKU the stock became. Left out of the hash when absent, as before it existed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ToSku { get; init; }

    /// <summary>
    /// adjust: signed, not zero; transfer, item-transfer, return-to-vendor: positive; overlay: the counted quantity of
    /// the area, zero or more; sync: the WMS's total on hand in the OMS location, zero or more.
    /// </summary>
    public long? Quantity { get; init; }

    public string? ReasonCode { get; init; }

    /// <summary>Free text; for a return to vendor the RTV reference, which it requires.</summary>
    public string? Reference { get; init; }

    /// <summary>Return-to-vendor only: the vendor the goods went back to.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
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
