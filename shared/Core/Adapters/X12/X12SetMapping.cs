using System.Globalization;
using WmsFunctions.Edi;
using WmsFunctions.Edi.Documents;
using WmsFunctions.Platform.Problems;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Adapters.X12;

/// <summary>
/// Why one accepted transaction set cannot be applied, and where: the segment (its id and which occurrence of it
/// in the set), the element, the value. The 997 turns it into AK3/AK4 (AK304 8 and AK403 7 for a value the hub
/// cannot map, AK304 3 for a segment the hub needs and the set lacks) and rejects the set (AK5 R, AK502 5).
/// </summary>
public sealed record X12SetRejection(Problem Problem, string SegmentId, int Occurrence, int? Element = null, string? BadValue = null, bool SegmentMissing = false);

/// <summary>One event of the hub's JSON contract that an X12 set maps to, with the segment it came from.</summary>
public sealed record X12MappedEvent(string Flow, object Request, string SegmentId, int Occurrence);

/// <summary>
/// Maps the X12 sets a 3PL sends onto the hub's existing inbound contracts, so inbox de-duplication, stock ledger,
/// outbox and CloudEvents apply exactly as for JSON partners. Pure: every lookup it needs is passed in.
/// Event ids: "x12:{ISA05}:{ISA06}:{ISA13}:{ST02}" (+ ":{n}" per line for sets that carry several events), so an
/// interchange sent again (same ISA13) applies nothing twice.
/// </summary>
public static class X12SetMapping
{
    public const string ShippedLineReference = "LI";

    /// <summary>945: one shipment confirmation of the pick slip named by W0602 (the 940's depositor order number).</summary>
    public static (X12MappedEvent? Event, X12SetRejection? Rejection) Shipment(
        OrderShipped advice, string eventId, DateTimeOffset occurredAt, X12Partner partner, WmsInstanceLookup lookup)
    {
        var (location, bad) = WarehouseLocation(advice.Parties, partner, lookup, required: false);
        if (bad is not null)
        {
            return (null, bad);
        }

        var lines = new List<(int Line, long Quantity)>();
        var cartons = new List<object>();
        var occurrence = 0;
        foreach (var pack in advice.Packs)
        {
            var contents = new List<object>();
            foreach (var line in pack.Lines)
            {
                var reference = line.References.FirstOrDefault(r => r.Qualifier == ShippedLineReference)?.Value;
                if (reference is null || !int.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out var slipLine) || slipLine < 1)
                {
                    return (null, new X12SetRejection(
                        new Problem("x12-line-reference-missing", 422, "Slip line missing",
                            $"W12 #{occurrence + 1} has no N9*{ShippedLineReference} with the pick slip's line number (the 940's LX01)."),
                        "N9", occurrence, SegmentMissing: true));
                }

                if (Whole(line.Shipped, lookup.MaxQuantity) is not { } quantity || quantity == 0)
                {
                    return (null, Invalid("W12", occurrence, 3, line.Shipped, $"W12 #{occurrence + 1}: the units shipped must be a whole number from 1 to {lookup.MaxQuantity}."));
                }

                lines.Add((slipLine, quantity));
                contents.Add(new { line = slipLine, quantity });
                occurrence++;
            }

            cartons.Add(new { sscc = pack.Sscc, trackingNumber = pack.TrackingNumber, carrier = advice.Carrier?.Scac, contents });
        }

        // A W12 per carton repeats a line: the shipped quantity of the line is their sum.
        var merged = lines.GroupBy(l => l.Line).Select(g => new { line = g.Key, quantity = g.Sum(l => l.Quantity), location }).ToList();
        return (new X12MappedEvent("pick-confirmations", new
        {
            eventId,
            type = "shipped",
            occurredAt,
            pickSlipId = advice.DepositorOrderNumber,
            lines = merged,
            cartons,
        }, "W06", 0), null);
    }

    /// <summary>A 997's acceptance of a 940: the 3PL has the slip (pick confirmation "acknowledged").</summary>
    public static object Acknowledged(string eventId, string pickSlipId, DateTimeOffset occurredAt) =>
        new { eventId, type = "acknowledged", occurredAt, pickSlipId };

    /// <summary>944: one PO receipt per W07, against the PO named by W1704; each line is found by its SKU.</summary>
    public static (IReadOnlyList<X12MappedEvent> Events, X12SetRejection? Rejection) Receipt(
        TransferReceived advice, string eventId, DateTimeOffset occurredAt, X12Partner partner, WmsInstanceLookup lookup,
        IReadOnlyDictionary<string, int> poLineBySku)
    {
        var (location, bad) = WarehouseLocation(advice.Parties, partner, lookup, required: true);
        if (bad is not null)
        {
            return ([], bad);
        }

        var events = new List<X12MappedEvent>();
        for (var i = 0; i < advice.Lines.Count; i++)
        {
            var line = advice.Lines[i];
            var (sku, unknown) = Sku(line.Item, partner, "W07", i, 5);
            if (unknown is not null)
            {
                return ([], unknown);
            }

            if (!poLineBySku.TryGetValue(lookup.OmsSku(sku!), out var lineNumber))
            {
                return ([], new X12SetRejection(
                    new Problem("sku-not-on-purchase-order", 422, "SKU is not on the purchase order",
                        $"W07 #{i + 1}: purchase order '{advice.DepositorOrderNumber}' has no line for SKU '{sku}'."),
                    "W07", i, 5, line.Item.Value));
            }

            if (Whole(line.Quantity, lookup.MaxQuantity) is not { } quantity)
            {
                return ([], Invalid("W07", i, 1, line.Quantity, $"W07 #{i + 1}: the quantity received must be a whole number from 0 to {lookup.MaxQuantity}."));
            }

            events.Add(new X12MappedEvent("po-receipts", new
            {
                eventId = $"{eventId}:{i + 1}",
                occurredAt,
                poNumber = advice.DepositorOrderNumber,
                lineNumber,
                sku,
                location,
                quantity,
                reference = advice.ReceiptNumber,
            }, "W07", i));
        }

        return (events, null);
    }

    /// <summary>846: one overlay (count of the area) per LIN with a QTY of the configured on-hand qualifier.</summary>
    public static (IReadOnlyList<X12MappedEvent> Events, X12SetRejection? Rejection) Inventory(
        InventoryReported advice, string eventId, DateTimeOffset occurredAt, X12Partner partner, WmsInstanceLookup lookup)
    {
        var (fallback, bad) = WarehouseLocation(advice.Parties, partner, lookup, required: false);
        if (bad is not null)
        {
            return ([], bad);
        }

        var events = new List<X12MappedEvent>();
        var refOccurrence = 0;
        var qtyOccurrence = 0;
        for (var i = 0; i < advice.Items.Count; i++)
        {
            var item = advice.Items[i];
            var (sku, unknown) = Sku(item.Item, partner, "LIN", i, 3);
            if (unknown is not null)
            {
                return ([], unknown);
            }

            var location = fallback;
            if (item.Location is { } where)
            {
                if (!lookup.KnowsLocation(where.Value))
                {
                    return ([], new X12SetRejection(Problem.UnknownLocation(where.Value, partner.Instance), "REF", refOccurrence, 2, where.Value));
                }

                location = where.Value;
                refOccurrence++;
            }

            if (location is null)
            {
                return ([], new X12SetRejection(
                    new Problem("x12-location-missing", 422, "Location missing",
                        $"LIN #{i + 1}: no REF with the location, no N1*WH with a mapped GLN and no X12:DefaultLocation."),
                    "REF", refOccurrence, SegmentMissing: true));
            }

            var onHand = item.Quantities.Select((q, k) => (q, k)).Where(p => p.q.Qualifier == partner.Settings.InventoryQuantityQualifier).ToList();
            if (onHand.Count != 1)
            {
                return ([], new X12SetRejection(
                    new Problem("x12-quantity-missing", 422, "On-hand quantity missing",
                        $"LIN #{i + 1}: needs exactly one QTY{partner.Settings.InventoryQuantityQualifier} (the counted quantity on hand)."),
                    "QTY", qtyOccurrence, SegmentMissing: true));
            }

            var position = qtyOccurrence + onHand[0].k;
            qtyOccurrence += item.Quantities.Count;
            if (Whole(onHand[0].q.Quantity, lookup.MaxQuantity) is not { } quantity)
            {
                return ([], Invalid("QTY", position, 2, onHand[0].q.Quantity, $"LIN #{i + 1}: the quantity on hand must be a whole number from 0 to {lookup.MaxQuantity}."));
            }

            events.Add(new X12MappedEvent("inventory-transactions", new
            {
                eventId = $"{eventId}:{i + 1}",
                type = "overlay",
                occurredAt,
                sku,
                location,
                quantity,
                reference = advice.ReportId,
            }, "LIN", i));
        }

        return (events, null);
    }

    /// <summary>947: one adjustment per W19, its reason mapped through X12:AdjustmentReasons (unmapped: the set is refused).</summary>
    public static (IReadOnlyList<X12MappedEvent> Events, X12SetRejection? Rejection) Adjustments(
        InventoryAdjusted advice, string eventId, DateTimeOffset occurredAt, X12Partner partner, WmsInstanceLookup lookup)
    {
        var (location, bad) = WarehouseLocation(advice.Parties, partner, lookup, required: true);
        if (bad is not null)
        {
            return ([], bad);
        }

        var events = new List<X12MappedEvent>();
        for (var i = 0; i < advice.Lines.Count; i++)
        {
            var line = advice.Lines[i];
            if (partner.Reason(line.Reason) is not { } reason)
            {
                return ([], new X12SetRejection(
                    new Problem("unmapped-reason-code", 422, "Unmapped adjustment reason",
                        $"W19 #{i + 1}: reason code '{line.Reason}' is not in the instance's X12:AdjustmentReasons; map it, then send the 947 again."),
                    "W19", i, 1, line.Reason));
            }

            var (sku, unknown) = Sku(line.Item, partner, "W19", i, 6);
            if (unknown is not null)
            {
                return ([], unknown);
            }

            if (Whole(Math.Abs(line.Quantity), lookup.MaxQuantity) is not { } size || size == 0)
            {
                return ([], Invalid("W19", i, 2, line.Quantity, $"W19 #{i + 1}: the quantity must be a whole number, not 0, at most {lookup.MaxQuantity} either way."));
            }

            events.Add(new X12MappedEvent("inventory-transactions", new
            {
                eventId = $"{eventId}:{i + 1}",
                type = "adjust",
                occurredAt,
                sku,
                location,
                quantity = line.Quantity < 0 ? -size : size,
                reasonCode = reason,
                reference = advice.AdjustmentNumber,
            }, "W19", i));
        }

        return (events, null);
    }

    /// <summary>
    /// The instance's WMS SKU for an X12 item id: a GS1 qualifier (UK, UP, EN; the reader has checked the check digit
    /// and normalised it to GTIN-14) must be one of the instance's SKU aliases; any other qualifier is the WMS SKU.
    /// </summary>
    private static (string? Sku, X12SetRejection? Rejection) Sku(X12ItemId item, X12Partner partner, string segment, int occurrence, int element)
    {
        if (X12ItemId.GtinDigits(item.Qualifier) is null)
        {
            return (item.Value, null);
        }

        return partner.SkuForGtin(item.Value) is { } sku
            ? (sku, null)
            : (null, new X12SetRejection(
                new Problem("unknown-gtin", 422, "Unknown GTIN", $"{segment} #{occurrence + 1}: GTIN {item.Value} is none of the instance's SKU aliases."),
                segment, occurrence, element, item.Value));
    }

    /// <summary>
    /// Where a set's stock is: the N1 party WH (or SF, the ship-from) identified by GLN (qualifier UL), mapped through
    /// X12:GlnLocations; else X12:DefaultLocation. A GLN the instance does not map is refused (never guessed).
    /// </summary>
    private static (string? Location, X12SetRejection? Rejection) WarehouseLocation(
        ValueList<X12Party> parties, X12Partner partner, WmsInstanceLookup lookup, bool required)
    {
        for (var i = 0; i < parties.Count; i++)
        {
            var party = parties[i];
            if (party.EntityCode is "WH" or "SF" && party.IdQualifier == "UL" && party.Id is { } gln)
            {
                return partner.LocationForGln(gln) is { } mapped
                    ? (mapped, null)
                    : (null, new X12SetRejection(
                        new Problem("unknown-gln", 422, "Unknown GLN", $"N1*{party.EntityCode} GLN {gln} is not in the instance's X12:GlnLocations."),
                        "N1", i, 4, gln));
            }
        }

        var fallback = partner.Settings.DefaultLocation;
        if (fallback is null && required)
        {
            return (null, new X12SetRejection(
                new Problem("x12-location-missing", 422, "Location missing", "The set names no N1*WH with a mapped GLN and the instance has no X12:DefaultLocation."),
                "N1", 0, SegmentMissing: true));
        }

        return (fallback is not null && !lookup.KnowsLocation(fallback) ? null : fallback, null);
    }

    private static long? Whole(decimal value, long max) =>
        value == decimal.Truncate(value) && value >= 0 && value <= max ? (long)value : null;

    private static X12SetRejection Invalid(string segment, int occurrence, int element, decimal value, string detail) =>
        new(new Problem("x12-invalid-quantity", 422, "Invalid quantity", detail), segment, occurrence, element, value.ToString("0.############################", CultureInfo.InvariantCulture));
}

/// <summary>What the mapping asks of the instance: its largest quantity, its locations, its SKU aliases.</summary>
public sealed record WmsInstanceLookup(long MaxQuantity, Func<string, bool> KnowsLocation, Func<string, string> OmsSku)
{
    public static WmsInstanceLookup Of(WmsInstance instance) => new(
        instance.MaxQuantity,
        code => instance.ResolveLocation(code).Kind == LocationMatchKind.Mapped,
        instance.ResolveSku);
}
