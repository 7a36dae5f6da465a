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

    /// <summary>adjust (A), transfer (T) or overlay (O).</summary>
    public string? Type { get; init; }

    public DateTimeOffset? OccurredAt { get; init; }

    public string? Sku { get; init; }

    public string? Location { get; init; }

    /// <summary>Transfer only: where the stock went.</summary>
    public string? ToLocation { get; init; }

    /// <summary>adjust: signed, not zero; transfer: positive; overlay: the counted quantity, zero or more.</summary>
    public long? Quantity { get; init; }

    public string? ReasonCode { get; init; }

    public string? Reference { get; init; }
}

public enum InventoryTransactionType
{
    Adjust,
    Transfer,
    Overlay,
}

public static class InventoryTransactionTypes
{
    public static InventoryTransactionType? Parse(string? code) => code?.Trim().ToUpperInvariant() switch
    {
        "ADJUST" or "A" => InventoryTransactionType.Adjust,
        "TRANSFER" or "T" => InventoryTransactionType.Transfer,
        "OVERLAY" or "O" => InventoryTransactionType.Overlay,
        _ => null,
    };

    public static string Name(this InventoryTransactionType type) => type switch
    {
        InventoryTransactionType.Adjust => "adjust",
        InventoryTransactionType.Transfer => "transfer",
        _ => "overlay",
    };

    /// <summary>The CloudEvent type suffix: what happened, in the past tense.</summary>
    public static string EventType(this InventoryTransactionType type) => type switch
    {
        InventoryTransactionType.Adjust => "inventory.adjusted",
        InventoryTransactionType.Transfer => "inventory.transferred",
        _ => "inventory.counted",
    };
}

/// <summary>The validated, mapped transaction as the inbox stores it and the ledger applies it.</summary>
public sealed record InventoryTransactionCommand(
    InventoryTransactionType Type,
    DateTimeOffset OccurredAt,
    string? ReasonCode,
    string? Reference,
    WmsCodes Wms,
    IReadOnlyList<StockChange> Changes);

/// <summary>The codes as the WMS sent them, kept for people reading the audit and the OMS event.</summary>
public sealed record WmsCodes(string Sku, string Location, string? ToLocation);

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
    IReadOnlyList<MovementView> Movements);
