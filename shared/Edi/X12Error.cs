using System.Globalization;
using System.Text;

namespace WmsFunctions.Edi;

/// <summary>
/// What is wrong with an interchange. The comments give the code a 997 reports for it (AK304 for segments,
/// AK403 for elements, AK502 for transaction sets, AK905 for functional groups); interchange errors have no 997
/// code: an interchange whose ISA/IEA envelope is broken cannot be acknowledged. Element errors in GS, ST and
/// SE use the element codes; a 997 reports them at the group (AK905 6 for GS06) or set level (AK502 6 for ST01,
/// 7 for ST02).
/// </summary>
public enum X12ErrorCode
{
    // Interchange (ISA/IEA): the whole interchange is refused.
    InvalidInterchangeHeader,
    InterchangeTrailerMissing,
    InterchangeControlNumberMismatch,
    GroupCountMismatch,
    UnexpectedParty,
    UnexpectedEnvelopeSegment,

    // Functional group (GS/GE): AK9 R with AK905.
    UnsupportedFunctionalGroup,        // AK905 1
    UnsupportedVersion,                // AK905 2
    GroupTrailerMissing,               // AK905 3
    GroupControlNumberMismatch,        // AK905 4
    SetCountMismatch,                  // AK905 5

    // Transaction set envelope (ST/SE): AK5 R with AK502.
    UnsupportedTransactionSet,         // AK502 1
    SetTrailerMissing,                 // AK502 2
    SetControlNumberMismatch,          // AK502 3
    SegmentCountMismatch,              // AK502 4
    DuplicateSetControlNumber,         // AK502 23

    // Segments inside a set: AK3 with AK304.
    UnrecognizedSegmentId,             // AK304 1
    UnexpectedSegment,                 // AK304 2
    MandatorySegmentMissing,           // AK304 3
    LoopOccursOverMaximumTimes,        // AK304 4
    SegmentExceedsMaximumUse,          // AK304 5
    SegmentNotInDefinedSet,            // AK304 6
    SegmentNotInProperSequence,        // AK304 7

    // Elements: AK4 with AK403 (the AK3 above it says 8, segment has data element errors).
    MandatoryElementMissing,           // AK403 1
    ConditionalElementMissing,         // AK403 2
    TooManyElements,                   // AK403 3
    ElementTooShort,                   // AK403 4
    ElementTooLong,                    // AK403 5
    InvalidCharacter,                  // AK403 6
    InvalidCodeValue,                  // AK403 7
    InvalidDate,                       // AK403 8
    InvalidTime,                       // AK403 9
    InvalidIdentifier,                 // AK403 7: a GTIN, SSCC or GLN that fails its GS1 check
    TotalMismatch,                     // AK403 7: a control total (W76, W03, W14, CTT) that disagrees with the lines

    // Writing: a document that cannot be expressed for this partner.
    NotRepresentable,
}

/// <summary>
/// One precise error: the segment (its id, its 1-based index in the interchange, its 1-based position in its
/// transaction set where it belongs to one, ST being 1) and, for element errors, the element (and component)
/// position. For a missing segment the positions are where it was expected.
/// </summary>
public sealed record X12Error(
    X12ErrorCode Code,
    string SegmentId,
    int SegmentIndex,
    int? SetPosition,
    int? ElementPosition,
    string Message)
{
    public int? ComponentPosition { get; init; }

    /// <summary>GS06 of the group the error is in, when it is in one.</summary>
    public int? GroupControlNumber { get; init; }

    /// <summary>ST02 of the transaction set the error is in, when it is in one.</summary>
    public string? SetControlNumber { get; init; }

    /// <summary>The element as received, for element errors (a 997 may copy it into AK404).</summary>
    public string? BadValue { get; init; }

    /// <summary>The data element dictionary number of the element in error (AK402), where known.</summary>
    public int? ElementReference { get; init; }

    public override string ToString()
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{Code} at segment {SegmentId} (#{SegmentIndex} in the interchange");
        if (SetPosition is { } position)
        {
            text.Append(CultureInfo.InvariantCulture, $", #{position} in set {SetControlNumber}");
        }

        text.Append(')');
        if (ElementPosition is { } element)
        {
            text.Append(CultureInfo.InvariantCulture, $", element {SegmentId}{element:D2}");
            if (ComponentPosition is { } component)
            {
                text.Append(CultureInfo.InvariantCulture, $"-{component}");
            }
        }

        return text.Append(": ").Append(Message).ToString();
    }
}

/// <summary>An interchange or document refused, with the first precise error.</summary>
public sealed class X12Exception : Exception
{
    public X12Exception(X12Error error)
        : base(error?.ToString())
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    public X12Error Error { get; }
}
