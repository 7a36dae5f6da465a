
namespace WmsFunctions.Platform.Tenancy;

/// <summary>What becomes of goods a warehouse takes in: back to sellable stock, or kept apart as damaged or in quarantine.</summary>
public enum StockDisposition
{
    Restock,
    Damaged,
    Quarantine,
}

public static class StockDispositions
{
    public static StockDisposition? Parse(string? code) => code?.Trim().ToUpperInvariant() switch
    {
        "RESTOCK" or "R" => StockDisposition.Restock,
        "DAMAGED" or "D" => StockDisposition.Damaged,
        "QUARANTINE" or "Q" => StockDisposition.Quarantine,
        _ => null,
    };

    public static string Name(this StockDisposition disposition) => disposition switch
    {
        StockDisposition.Restock => "restock",
        StockDisposition.Damaged => "damaged",
        _ => "quarantine",
    };
}
