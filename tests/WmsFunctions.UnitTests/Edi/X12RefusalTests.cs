using System.Globalization;
using CsCheck;
using WmsFunctions.Edi;

namespace WmsFunctions.UnitTests.Edi;

/// <summary>
/// Refusals of the hand-built 945, each pinned to the segment and element at fault. Its segments are numbered
/// ISA 1, GS 2, ST 3 (set position 1), W06 4, N1 5, N3 6, N4 7, N1 8, N9 9, G62 10, W27 11, LX 12, MAN 13, MAN 14,
/// W12 15, N9 16, W12 17, N9 18, W03 19, SE 20 (set position 18), GE 21, IEA 22.
/// </summary>
public class X12RefusalTests
{
    private static readonly string Sample = X12Samples.Shipped945;

    /// <summary>Both ways of reading refuse, with the same error, and nothing is returned.</summary>
    private static X12Error Refused(string text, X12PartnerOptions? options = null)
    {
        var reader = new X12Reader(options ?? X12Samples.Hub);
        Assert.False(reader.TryRead(text, out var interchange, out var error));
        Assert.Null(interchange);
        var thrown = Assert.Throws<X12Exception>(() => reader.Read(text));
        Assert.Equal(error, thrown.Error);
        return error;
    }

    private static void AssertAt(X12Error error, X12ErrorCode code, string segmentId, int index, int? setPosition, int? element)
    {
        Assert.Equal(code, error.Code);
        Assert.Equal(segmentId, error.SegmentId);
        Assert.Equal(index, error.SegmentIndex);
        Assert.Equal(setPosition, error.SetPosition);
        Assert.Equal(element, error.ElementPosition);
    }

    private static string Replace(string text, string from, string to)
    {
        Assert.Contains(from, text, StringComparison.Ordinal);
        return text.Replace(from, to, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Iea02DiffersFromIsa13_RefusedAtIea02()
    {
        var error = Refused(Replace(Sample, "IEA*1*000000042", "IEA*1*000000043"));

        AssertAt(error, X12ErrorCode.InterchangeControlNumberMismatch, "IEA", 22, null, 2);
        Assert.Contains("000000042", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Ge02DiffersFromGs06_RefusedAtGe02() =>
        AssertAt(Refused(Replace(Sample, "GE*1*42", "GE*1*43")), X12ErrorCode.GroupControlNumberMismatch, "GE", 21, null, 2);

    [Fact]
    public void Read_Se02DiffersFromSt02_RefusedAtSe02()
    {
        var error = Refused(Replace(Sample, "SE*18*0001", "SE*18*0002"));

        AssertAt(error, X12ErrorCode.SetControlNumberMismatch, "SE", 20, 18, 2);
        Assert.Equal("0001", error.SetControlNumber);
        Assert.Equal(42, error.GroupControlNumber);
    }

    [Fact]
    public void Read_Iea01CountsTwoGroups_RefusedAtIea01() =>
        AssertAt(Refused(Replace(Sample, "IEA*1*", "IEA*2*")), X12ErrorCode.GroupCountMismatch, "IEA", 22, null, 1);

    [Fact]
    public void Read_Ge01CountsTwoSets_RefusedAtGe01() =>
        AssertAt(Refused(Replace(Sample, "GE*1*42", "GE*2*42")), X12ErrorCode.SetCountMismatch, "GE", 21, null, 1);

    [Fact]
    public void Read_Se01CountsOneSegmentTooMany_RefusedAtSe01() =>
        AssertAt(Refused(Replace(Sample, "SE*18*", "SE*19*")), X12ErrorCode.SegmentCountMismatch, "SE", 20, 18, 1);

    [Fact]
    public void Read_CutAfterASegmentInsideASet_RefusedWhereSeWasExpected()
    {
        var cut = Sample[..(Sample.IndexOf("N9*LI*2", StringComparison.Ordinal))];

        var error = Refused(cut);

        AssertAt(error, X12ErrorCode.SetTrailerMissing, "SE", 18, 16, null);
        Assert.Contains("no SE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CutInsideASegment_RefusedAtTheCutSegment()
    {
        var cut = Sample[..(Sample.IndexOf("TSHIRT", StringComparison.Ordinal) + 3)];

        var error = Refused(cut);

        AssertAt(error, X12ErrorCode.SetTrailerMissing, "SE", 17, 15, null);
        Assert.Contains("cut inside segment W12", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NoIea_RefusedWhereIeaWasExpected() =>
        AssertAt(Refused(Replace(Sample, "IEA*1*000000042~\n", "")), X12ErrorCode.InterchangeTrailerMissing, "IEA", 22, null, null);

    [Fact]
    public void Read_NoSeBeforeGe_RefusedAtTheGe() =>
        AssertAt(Refused(Replace(Sample, "SE*18*0001~\n", "")), X12ErrorCode.SetTrailerMissing, "SE", 20, 18, null);

    [Fact]
    public void Read_NoGeBeforeIea_RefusedAtTheIea() =>
        AssertAt(Refused(Replace(Sample, "GE*1*42~\n", "")), X12ErrorCode.GroupTrailerMissing, "GE", 21, null, null);

    [Fact]
    public void Read_CutAfterTheSet_RefusedWhereGeWasExpected()
    {
        var error = Refused(Sample[..Sample.IndexOf("GE*", StringComparison.Ordinal)]);

        AssertAt(error, X12ErrorCode.GroupTrailerMissing, "GE", 21, null, null);
        Assert.Contains("no GE and the interchange no IEA", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SegmentNotInTheSet_RefusedAtIt()
    {
        var text = Replace(Replace(Sample, "W27*M*UPSN*UPS GROUND*PP~\n", "W27*M*UPSN*UPS GROUND*PP~\nNTE*GEN*Fragile~\n"), "SE*18*", "SE*19*");

        var error = Refused(text);

        AssertAt(error, X12ErrorCode.SegmentNotInDefinedSet, "NTE", 12, 10, null);
    }

    [Fact]
    public void Read_SegmentThePartnerDeclaredIgnored_SkippedSilently()
    {
        var text = Replace(Replace(Sample, "W27*M*UPSN*UPS GROUND*PP~\n", "W27*M*UPSN*UPS GROUND*PP~\nNTE*GEN*Fragile~\n"), "SE*18*", "SE*19*");

        var read = new X12Reader(X12Samples.Hub with { IgnoredSegments = new HashSet<string> { "NTE" } }).Read(text);

        var document = Assert.Single(read.Documents);
        Assert.Equal(X12Samples.Shipped, document.Document);
        Assert.Empty(document.Notes);
    }

    [Fact]
    public void Read_UnknownSegmentWhenThePartnerMaySkip_ReadWithANote()
    {
        var text = Replace(Replace(Sample, "W27*M*UPSN*UPS GROUND*PP~\n", "W27*M*UPSN*UPS GROUND*PP~\nNTE*GEN*Fragile~\n"), "SE*18*", "SE*19*");

        var read = new X12Reader(X12Samples.Hub with { UnknownSegments = X12UnknownSegments.Skip }).Read(text);

        var document = Assert.Single(read.Documents);
        Assert.Equal(X12Samples.Shipped, document.Document);
        AssertAt(Assert.Single(document.Notes), X12ErrorCode.SegmentNotInDefinedSet, "NTE", 12, 10, null);
    }

    [Fact]
    public void Read_SegmentOutOfSequence_RefusedAtIt() =>
        AssertAt(Refused(Replace(Sample, "G62*11*20261123*8*1015~\nW27*M*UPSN*UPS GROUND*PP~\n", "W27*M*UPSN*UPS GROUND*PP~\nG62*11*20261123*8*1015~\n")),
            X12ErrorCode.SegmentNotInProperSequence, "G62", 11, 9, null);

    [Fact]
    public void Read_SegmentOverItsMaximumUse_RefusedAtTheExtraOne() =>
        AssertAt(Refused(Replace(Replace(Sample, "MAN*CP*1Z999AA10123456784~\n", "MAN*CP*1Z999AA10123456784~\nMAN*CP*1Z999AA10123456785~\n"), "SE*18*", "SE*19*")),
            X12ErrorCode.SegmentExceedsMaximumUse, "MAN", 15, 13, null);

    [Fact]
    public void Read_MandatorySegmentMissing_RefusedWhereItWasExpected() =>
        AssertAt(Refused(Replace(Replace(Sample, "W03*7*4.5*LB~\n", ""), "SE*18*", "SE*17*")),
            X12ErrorCode.MandatorySegmentMissing, "W03", 19, 17, null);

    [Fact]
    public void Read_Isa06OneCharacterShort_RefusedAtIsa06()
    {
        var error = Refused(Replace(Sample, "*ZZ*ACME3PL        *", "*ZZ*ACME3PL       *"));

        AssertAt(error, X12ErrorCode.ElementTooShort, "ISA", 1, null, 6);
        Assert.Contains("exactly 15", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NotAnInterchange_Refused() =>
        AssertAt(Refused("GS*SW*ACME3PL*WMSHUB*20261123*1015*42*X*004010~"), X12ErrorCode.InvalidInterchangeHeader, "ISA", 1, null, null);

    [Fact]
    public void Read_GtinCheckDigitWrong_RefusedAtTheProductId()
    {
        var error = Refused(Replace(Sample, "UK*10012345678902", "UK*10012345678903"));

        AssertAt(error, X12ErrorCode.InvalidIdentifier, "W12", 15, 13, 8);
        Assert.Contains("check digit 3; expected 2", error.Message, StringComparison.Ordinal);
        Assert.Equal("10012345678903", error.BadValue);
    }

    [Fact]
    public void Read_GtinOfTheWrongLengthForItsQualifier_Refused() =>
        AssertAt(Refused(Replace(Sample, "UK*10012345678902", "UK*4006381333931")), X12ErrorCode.InvalidIdentifier, "W12", 15, 13, 8);

    [Fact]
    public void Read_SsccCheckDigitWrong_RefusedAtTheMarks() =>
        AssertAt(Refused(Replace(Sample, "MAN*GM*00106141411234567897", "MAN*GM*00106141411234567898")), X12ErrorCode.InvalidIdentifier, "MAN", 13, 11, 2);

    [Fact]
    public void Read_GlnCheckDigitWrong_RefusedAtTheParty() =>
        AssertAt(Refused(Replace(Sample, "UL*0614141000012", "UL*0614141000013")), X12ErrorCode.InvalidIdentifier, "N1", 8, 6, 4);

    [Fact]
    public void Read_MandatoryElementEmpty_RefusedAtTheElement() =>
        AssertAt(Refused(Replace(Sample, "W06*F*ORD-1001*", "W06*F**")), X12ErrorCode.MandatoryElementMissing, "W06", 4, 2, 2);

    [Fact]
    public void Read_ControlTotalWrong_RefusedAtTheTotal() =>
        AssertAt(Refused(Replace(Sample, "W03*7*", "W03*8*")), X12ErrorCode.TotalMismatch, "W03", 19, 17, 1);

    [Fact]
    public void Read_ImpossibleDate_RefusedAtTheDate() =>
        AssertAt(Refused(Replace(Sample, "W06*F*ORD-1001*20261123", "W06*F*ORD-1001*20261323")), X12ErrorCode.InvalidDate, "W06", 4, 2, 3);

    [Fact]
    public void Read_ElementTooLong_RefusedAtTheElement() =>
        AssertAt(Refused(Replace(Sample, "W06*F*ORD-1001*", "W06*F*ORD-1001-12345678901234*")), X12ErrorCode.ElementTooLong, "W06", 4, 2, 2);

    [Fact]
    public void Read_CodeNotInTheList_RefusedAtTheCode() =>
        AssertAt(Refused(Replace(Sample, "MAN*CP*", "MAN*XX*")), X12ErrorCode.InvalidCodeValue, "MAN", 14, 12, 1);

    [Fact]
    public void Read_ElementBeyondTheSegment_RefusedAtIt() =>
        AssertAt(Refused(Replace(Sample, "N9*BM*BOL-123", "N9*BM*BOL-123*EXTRA")), X12ErrorCode.TooManyElements, "N9", 9, 7, 3);

    [Fact]
    public void Read_FromAnotherSender_Refused() =>
        AssertAt(Refused(Sample, X12Samples.Hub with { PartnerId = "OTHER3PL" }), X12ErrorCode.UnexpectedParty, "ISA", 1, null, 6);

    [Fact]
    public void Read_SetInTheWrongFunctionalGroup_RefusedAtSt01() =>
        AssertAt(Refused(Replace(Sample, "GS*SW*", "GS*OW*")), X12ErrorCode.UnsupportedTransactionSet, "ST", 3, 1, 1);

    [Fact]
    public void Read_RepetitionSeparatorInsideData_RefusedAsInvalidCharacter()
    {
        var text = Replace(Replace(Sample, "*U*00401*", "*^*00501*"), "N9*BM*BOL-123", "N9*BM*BOL^123");

        AssertAt(Refused(text), X12ErrorCode.InvalidCharacter, "N9", 9, 7, 2);
    }

    [Fact]
    public void Read_OtherDelimitersAndCrLf_TakenFromTheIsa()
    {
        var text = Sample.Replace('*', '|').Replace('>', '^').Replace("~\n", "'\r\n", StringComparison.Ordinal);

        var read = new X12Reader(X12Samples.Hub).Read(text);

        Assert.Equal(new X12Delimiters('|', '^', '\''), read.Header.Delimiters);
        Assert.Equal(X12Samples.Shipped, Assert.Single(read.Documents).Document);
    }

    // The 846 sample: ISA 1, GS 2, ST 3, BIA 4, DTM 5, N1 6, LIN 7, REF 8, QTY 9, QTY 10, LIN 11, QTY 12, CTT 13, SE 14.
    [Fact]
    public void Read_CompositeWithAComponentTooMany_RefusedAtThatComponent()
    {
        var error = Refused(Replace(X12Samples.Inventory846, "QTY*17*40*EA", "QTY*17*40*EA>2"));

        AssertAt(error, X12ErrorCode.TooManyElements, "QTY", 9, 7, 3);
        Assert.Equal(2, error.ComponentPosition);
    }

    [Fact]
    public void Read_SimpleElementHoldingTheComponentSeparator_RefusedAsInvalidCharacter() =>
        AssertAt(Refused(Replace(X12Samples.Inventory846, "REF*WS*EAST-A1", "REF*WS*EAST>A1")), X12ErrorCode.InvalidCharacter, "REF", 8, 6, 2);

    [Fact]
    public void Read_HashTotalWrong_RefusedAtCtt02() =>
        AssertAt(Refused(Replace(X12Samples.Inventory846, "CTT*2*200", "CTT*2*201")), X12ErrorCode.TotalMismatch, "CTT", 13, 11, 2);

    [Fact]
    public void Read_LineCountWrong_RefusedAtCtt01() =>
        AssertAt(Refused(Replace(X12Samples.Inventory846, "CTT*2*200", "CTT*3*200")), X12ErrorCode.TotalMismatch, "CTT", 13, 11, 1);

    [Theory]
    [InlineData("N1*WH*East DC*UL*0614141000012", "N1*WH", 2)]
    [InlineData("N1*WH*East DC*UL*0614141000012", "N1*WH*East DC*UL", 4)]
    public void Read_PartyBreakingItsSyntaxRules_RefusedAtTheMissingElement(string from, string to, int element) =>
        AssertAt(Refused(Replace(X12Samples.Inventory846, from, to)), X12ErrorCode.ConditionalElementMissing, "N1", 6, 4, element);

    [Fact]
    public async Task Read_AnyControlNumberCorrupted_IsAlwaysRefused() =>
        await Gen.Select(X12Generators.AnyDocument.Array[1, 3], X12Generators.Options, Gen.Int[0, 5], Gen.Int[1, 8])
            .SampleAsync(async (documents, options, which, delta) =>
            {
                var written = await X12Samples.Writer(options).WriteAsync(documents, TestContext.Current.CancellationToken);
                var corrupted = Corrupt(written.Text, options.Delimiters, which, delta);

                Assert.NotEqual(written.Text, corrupted);
                Assert.False(new X12Reader(X12Samples.Mirror(options)).TryRead(corrupted, out var interchange, out var error));
                Assert.Null(interchange);
                Assert.Contains(error.Code, new[]
                {
                    X12ErrorCode.InterchangeControlNumberMismatch, X12ErrorCode.GroupControlNumberMismatch,
                    X12ErrorCode.SetControlNumberMismatch, X12ErrorCode.DuplicateSetControlNumber,
                });
            });

    /// <summary>Adds <paramref name="delta"/> to one control number (ISA13, IEA02, GS06, GE02, ST02 or SE02), keeping its width.</summary>
    private static string Corrupt(string text, X12Delimiters delimiters, int which, int delta)
    {
        var (id, position) = which switch
        {
            0 => ("ISA", 13),
            1 => ("IEA", 2),
            2 => ("GS", 6),
            3 => ("GE", 2),
            4 => ("ST", 2),
            _ => ("SE", 2),
        };
        var segments = text.Split(delimiters.Segment);
        var index = Array.FindIndex(segments, s => s.TrimStart('\r', '\n').StartsWith(id + delimiters.Element, StringComparison.Ordinal));
        var segment = segments[index];
        var trimmed = segment.TrimStart('\r', '\n');
        var elements = trimmed.Split(delimiters.Element);
        var value = elements[position];
        var modulus = (long)Math.Pow(10, value.Length);
        elements[position] = ((long.Parse(value, CultureInfo.InvariantCulture) + delta) % modulus).ToString("D" + value.Length.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        segments[index] = segment[..(segment.Length - trimmed.Length)] + string.Join(delimiters.Element, elements);
        return string.Join(delimiters.Segment, segments);
    }
}
