using Microsoft.Extensions.Time.Testing;
using WmsFunctions.Edi;
using WmsFunctions.Edi.Documents;

namespace WmsFunctions.UnitTests.Edi;

/// <summary>
/// Partners, clocks and hand-built interchanges for the X12 tests. The interchanges are written segment by
/// segment from the published 4010 definitions (ISA 106 characters with fixed-width elements, GS/GE, ST/SE with
/// counts including ST and SE); element positions are noted where several are empty in a row.
/// </summary>
internal static class X12Samples
{
    public static readonly DateOnly Day = new(2026, 11, 23);

    /// <summary>The hub talking to the 3PL: what the hub writes, and how it reads what the 3PL sends.</summary>
    public static readonly X12PartnerOptions Hub = new()
    {
        Name = "acme-3pl",
        OwnQualifier = "ZZ",
        OwnId = "WMSHUB",
        PartnerQualifier = "ZZ",
        PartnerId = "ACME3PL",
    };

    /// <summary>The 3PL's side of the same relationship: reads what the hub writes.</summary>
    public static X12PartnerOptions Mirror(X12PartnerOptions options) => options with
    {
        Name = options.Name + "-mirror",
        OwnQualifier = options.PartnerQualifier,
        OwnId = options.PartnerId,
        PartnerQualifier = options.OwnQualifier,
        PartnerId = options.OwnId,
        OwnApplicationCode = options.PartnerApplicationCode,
        PartnerApplicationCode = options.OwnApplicationCode,
    };

    public static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 11, 23, 10, 15, 0, TimeSpan.Zero));

    public static X12Writer Writer(X12PartnerOptions? options = null, IControlNumbers? numbers = null) =>
        new(options ?? Hub, Clock(), numbers ?? new InMemoryControlNumbers());

    /// <summary>Wraps transaction sets (one string per segment, ST to SE) in ISA/GS ... GE/IEA as the 3PL sends them.</summary>
    public static string Interchange(string functionalId, int groupNumber, params string[] segments) =>
        "ISA*00*          *00*          *ZZ*ACME3PL        *ZZ*WMSHUB         *261123*1015*U*00401*000000042*0*P*>~\n"
        + $"GS*{functionalId}*ACME3PL*WMSHUB*20261123*1015*{groupNumber}*X*004010~\n"
        + string.Concat(segments.Select(s => s + "~\n"))
        + $"GE*{segments.Count(s => s.StartsWith("ST*", StringComparison.Ordinal))}*{groupNumber}~\n"
        + "IEA*1*000000042~\n";

    public const string Isa = "ISA*00*          *00*          *ZZ*ACME3PL        *ZZ*WMSHUB         *261123*1015*U*00401*000000042*0*P*>~";

    public const string Shipped945 =
        """
        ISA*00*          *00*          *ZZ*ACME3PL        *ZZ*WMSHUB         *261123*1015*U*00401*000000042*0*P*>~
        GS*SW*ACME3PL*WMSHUB*20261123*1015*42*X*004010~
        ST*945*0001~
        W06*F*ORD-1001*20261123*SHP-77**PO-555~
        N1*ST*Jane Doe*92*CUST-1~
        N3*1 Main Street~
        N4*Springfield*IL*62701*US~
        N1*WH*East DC*UL*0614141000012~
        N9*BM*BOL-123~
        G62*11*20261123*8*1015~
        W27*M*UPSN*UPS GROUND*PP~
        LX*1~
        MAN*GM*00106141411234567897~
        MAN*CP*1Z999AA10123456784~
        W12*CC*5*5*0*EA**UK*10012345678902*LOT-9~
        N9*LI*1~
        W12*CP*3*2*1*EA**VN*TSHIRT-RED-M~
        N9*LI*2~
        W03*7*4.5*LB~
        SE*18*0001~
        GE*1*42~
        IEA*1*000000042~

        """;

    public static readonly OrderShipped Shipped = new("F", "ORD-1001", Day, "SHP-77", "PO-555",
        [
            new X12Party("ST", "Jane Doe", "92", "CUST-1", new X12Street("1 Main Street"), new X12Place("Springfield", "IL", "62701", "US")),
            new X12Party("WH", "East DC", "UL", "0614141000012"),
        ],
        [new X12Reference("BM", "BOL-123")],
        [new X12Date("11", Day, "8", new TimeOnly(10, 15))],
        new X12Carrier("M", "UPSN", "UPS GROUND", "PP"),
        [
            new ShippedPack(1, "106141411234567897", "1Z999AA10123456784",
            [
                new ShippedLine("CC", 5, 5, 0, "EA", new X12ItemId("UK", "10012345678902"), "LOT-9", [new X12Reference("LI", "1")]),
                new ShippedLine("CP", 3, 2, 1, "EA", new X12ItemId("VN", "TSHIRT-RED-M"), null, [new X12Reference("LI", "2")]),
            ]),
        ],
        new X12Weight(4.5m, "LB"));

    // W66: 01 PP, 02 U, 03-04 empty, 05 routing, 06-09 empty, 10 SCAC. W01: 03 (UPC case code) empty, 04/05 and 06/07 item ids.
    public const string Ordered940 =
        "ISA*00*          *00*          *ZZ*ACME3PL        *ZZ*WMSHUB         *261123*0900*U*00401*000000101*0*T*>~"
        + "GS*OW*ACME3PL*WMSHUB*20261123*0900*101*X*004010~"
        + "ST*940*0101~"
        + "W05*N*ORD-1001*PO-555~"
        + "N1*ST*Jane Doe~"
        + "N3*1 Main Street*Apt 2~"
        + "N4*Springfield*IL*62701*US~"
        + "N1*SF*East DC*UL*0614141000012~"
        + "N9*CO*ORD-1001~"
        + "G62*10*20261124~"
        + "W66*PP*U***UPS GROUND*****UPSN~"
        + "LX*1~"
        + "W01*5*EA**UK*10012345678902*VN*TSHIRT-RED-M~"
        + "G69*Red T-shirt, size M~"
        + "LX*2~"
        + "W01*2*EA**UP*036000291452~"
        + "W76*7~"
        + "SE*16*0101~"
        + "GE*1*101~"
        + "IEA*1*000000101~";

    public static readonly ShipmentOrdered Ordered = new("N", "ORD-1001", "PO-555",
        [
            new X12Party("ST", "Jane Doe", Street: new X12Street("1 Main Street", "Apt 2"), Place: new X12Place("Springfield", "IL", "62701", "US")),
            new X12Party("SF", "East DC", "UL", "0614141000012"),
        ],
        [new X12Reference("CO", "ORD-1001")],
        [new X12Date("10", new DateOnly(2026, 11, 24))],
        new X12Carrier("U", "UPSN", "UPS GROUND", "PP"),
        [
            new ShipmentOrderLine(1, 5, "EA", new X12ItemId("UK", "10012345678902"), new X12ItemId("VN", "TSHIRT-RED-M"), "Red T-shirt, size M"),
            new ShipmentOrderLine(2, 2, "EA", new X12ItemId("UP", "00036000291452")),
        ]);

    public static readonly string TransferShipped943 = Interchange("AR", 43,
        "ST*943*0201",
        "W06*J*PO-555*20261120*ASN-9**PO-555",
        "N1*ST*East DC*UL*0614141000012",
        "N1*SF*Supplier Inc*92*SUP-1",
        "G62*17*20261125",
        "W27*M*ABFS",
        "W04*100*EA**UK*10012345678902",
        "W04*24*CA**EN*4006381333931*VN*MUG-1",
        "W03*124*310*LB",
        "SE*10*0201");

    public static readonly TransferShipped Transfer = new("J", "PO-555", new DateOnly(2026, 11, 20), "ASN-9", "PO-555",
        [new X12Party("ST", "East DC", "UL", "0614141000012"), new X12Party("SF", "Supplier Inc", "92", "SUP-1")],
        [],
        [new X12Date("17", new DateOnly(2026, 11, 25))],
        new X12Carrier("M", "ABFS"),
        [
            new TransferLine(100, "EA", new X12ItemId("UK", "10012345678902")),
            new TransferLine(24, "CA", new X12ItemId("EN", "04006381333931"), new X12ItemId("VN", "MUG-1")),
        ],
        new X12Weight(310, "LB"));

    // W07: 03 (UPC case code) empty, 04/05 item, 06/07 empty, 08 lot.
    public static readonly string Received944 = Interchange("RE", 44,
        "ST*944*0301",
        "W17*F*20261125*RCV-88*PO-555*ASN-9",
        "N1*WH*East DC*UL*0614141000012",
        "N9*PO*PO-555",
        "W07*98*EA**UK*10012345678902***LOT-1",
        "W07*24*CA**EN*4006381333931*VN*MUG-1",
        "W14*122",
        "SE*8*0301");

    public static readonly TransferReceived Received = new("F", new DateOnly(2026, 11, 25), "RCV-88", "PO-555", "ASN-9",
        [new X12Party("WH", "East DC", "UL", "0614141000012")],
        [new X12Reference("PO", "PO-555")],
        [],
        [
            new ReceivedLine(98, "EA", new X12ItemId("UK", "10012345678902"), null, "LOT-1"),
            new ReceivedLine(24, "CA", new X12ItemId("EN", "04006381333931"), new X12ItemId("VN", "MUG-1")),
        ]);

    // CTT02 is the hash total of QTY02 (decimal points ignored): 40 + 35 + 125 = 200.
    public static readonly string Inventory846 = Interchange("IB", 46,
        "ST*846*0401",
        "BIA*00*SI*INV-20261123*20261123*0600",
        "DTM*405*20261123*0600",
        "N1*WH*East DC*UL*0614141000012",
        "LIN*1*UK*10012345678902*VN*TSHIRT-RED-M",
        "REF*WS*EAST-A1",
        "QTY*17*40*EA",
        "QTY*33*35*EA",
        "LIN*2*VN*MUG-1",
        "QTY*17*12.5*CA",
        "CTT*2*200",
        "SE*12*0401");

    public static readonly InventoryReported Inventory = new("00", "SI", "INV-20261123", Day, new TimeOnly(6, 0),
        [new X12DateTimeReference("405", Day, new TimeOnly(6, 0))],
        [new X12Party("WH", "East DC", "UL", "0614141000012")],
        [
            new InventoryItem("1", new X12ItemId("UK", "10012345678902"), [new X12ItemId("VN", "TSHIRT-RED-M")], new X12Reference("WS", "EAST-A1"),
                [new InventoryQuantity("17", 40, "EA"), new InventoryQuantity("33", 35, "EA")]),
            new InventoryItem("2", new X12ItemId("VN", "MUG-1"), [], null, [new InventoryQuantity("17", 12.5m, "CA")]),
        ]);

    // W19: 04 (UPC case code) empty, 05/06 item, 07/08 empty, 09 lot.
    public static readonly string Adjusted947 = Interchange("AW", 47,
        "ST*947*0501",
        "W15*20261123*ADJ-7*DEP-7",
        "N1*WH*East DC*UL*0614141000012",
        "W19*AU*-2*EA**UK*10012345678902",
        "N9*WS*EAST-A1",
        "W19*AA*3*EA**VN*MUG-1***LOT-2",
        "SE*7*0501");

    public static readonly InventoryAdjusted Adjusted = new(Day, "ADJ-7", "DEP-7",
        [new X12Party("WH", "East DC", "UL", "0614141000012")],
        [],
        [],
        [
            new AdjustmentLine("AU", -2, "EA", new X12ItemId("UK", "10012345678902"), null, null, [new X12Reference("WS", "EAST-A1")]),
            new AdjustmentLine("AA", 3, "EA", new X12ItemId("VN", "MUG-1"), null, "LOT-2", []),
        ]);

    // The 3PL acknowledges the hub's group 7: set 0001 accepted, 0002 rejected (W01 at position 5, element 5 invalid).
    public static readonly string Acknowledgment997 = Interchange("FA", 48,
        "ST*997*0601",
        "AK1*OW*7",
        "AK2*940*0001",
        "AK5*A",
        "AK2*940*0002",
        "AK3*W01*5**8",
        "AK4*5*234*7*10012345678903",
        "AK5*R*5",
        "AK9*P*2*2*1",
        "SE*10*0601");

    public static readonly FunctionalGroupAcknowledged Acknowledgment = new("OW", 7,
        [
            new SetAcknowledgment("940", "0001", [], X12AcknowledgmentCode.Accepted, []),
            new SetAcknowledgment("940", "0002", [new SegmentNote("W01", 5, null, "8", [new ElementNote(5, null, 234, "7", "10012345678903")])], X12AcknowledgmentCode.Rejected, ["5"]),
        ],
        X12AcknowledgmentCode.PartiallyAccepted, 2, 2, 1, []);
}
