namespace WmsFunctions.Edi;

/// <summary>ISA15: production, test or information data.</summary>
public enum X12Usage
{
    Production,
    Test,
    Information,
}

/// <summary>The ISA segment of an interchange: who sent it to whom, when, its control number and its delimiters.</summary>
public sealed record X12InterchangeHeader(
    string SenderQualifier,
    string SenderId,
    string ReceiverQualifier,
    string ReceiverId,
    DateOnly Date,
    TimeOnly Time,
    string Version,
    int ControlNumber,
    bool AcknowledgmentRequested,
    X12Usage Usage,
    X12Delimiters Delimiters);

/// <summary>The GS segment of a functional group.</summary>
public sealed record X12GroupHeader(
    string FunctionalId,
    string SenderCode,
    string ReceiverCode,
    DateOnly Date,
    TimeOnly Time,
    int ControlNumber,
    string Agency,
    string Version);

/// <summary>Control-segment definitions and code conversions shared by the reader and the writer.</summary>
internal static class X12Envelope
{
    public const int IsaLength = 106;

    public static readonly int[] IsaLengths = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1];

    public static readonly X12SegmentSpec Gs = new("GS", "Functional Group Header",
    [
        new("Functional Identifier Code", X12DataType.ID, 2, 2, true) { Reference = 479 },
        new("Application Sender's Code", X12DataType.AN, 2, 15, true) { Reference = 142 },
        new("Application Receiver's Code", X12DataType.AN, 2, 15, true) { Reference = 124 },
        new("Date", X12DataType.DT, 8, 8, true) { Reference = 373 },
        new("Time", X12DataType.TM, 4, 8, true) { Reference = 337 },
        new("Group Control Number", X12DataType.N0, 1, 9, true) { Reference = 28 },
        new("Responsible Agency Code", X12DataType.ID, 1, 2, true) { Reference = 455, Codes = X12Codes.Of("X", "T") },
        new("Version / Release / Industry Identifier Code", X12DataType.AN, 1, 12, true) { Reference = 480 },
    ], []);

    public static readonly X12SegmentSpec Ge = new("GE", "Functional Group Trailer",
    [
        new("Number of Transaction Sets Included", X12DataType.N0, 1, 6, true) { Reference = 97 },
        new("Group Control Number", X12DataType.N0, 1, 9, true) { Reference = 28 },
    ], []);

    public static readonly X12SegmentSpec St = new("ST", "Transaction Set Header",
    [
        new("Transaction Set Identifier Code", X12DataType.ID, 3, 3, true) { Reference = 143 },
        new("Transaction Set Control Number", X12DataType.AN, 4, 9, true) { Reference = 329 },
    ], []);

    public static readonly X12SegmentSpec Se = new("SE", "Transaction Set Trailer",
    [
        new("Number of Included Segments", X12DataType.N0, 1, 10, true) { Reference = 96 },
        new("Transaction Set Control Number", X12DataType.AN, 4, 9, true) { Reference = 329 },
    ], []);

    public static readonly X12SegmentSpec Iea = new("IEA", "Interchange Control Trailer",
    [
        new("Number of Included Functional Groups", X12DataType.N0, 1, 5, true),
        new("Interchange Control Number", X12DataType.N0, 9, 9, true),
    ], []);

    /// <summary>From version 00402 on, ISA11 is the repetition separator; before, it is the standards identifier "U".</summary>
    public static bool UsesRepetitionSeparator(string version) => string.CompareOrdinal(version, "00402") >= 0;

    public static X12Usage Usage(char code) => code switch
    {
        'T' => X12Usage.Test,
        'I' => X12Usage.Information,
        _ => X12Usage.Production,
    };

    public static char Code(X12Usage usage) => usage switch
    {
        X12Usage.Test => 'T',
        X12Usage.Information => 'I',
        _ => 'P',
    };
}
