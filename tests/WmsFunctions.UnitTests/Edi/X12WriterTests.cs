using System.ComponentModel.DataAnnotations;
using WmsFunctions.Edi;
using WmsFunctions.Edi.Documents;

namespace WmsFunctions.UnitTests.Edi;

public class X12WriterTests
{
    private static readonly X12PartnerOptions WithLineBreaks = X12Samples.Hub with { Delimiters = X12Delimiters.Default with { LineBreak = "\n" } };

    private static Task<X12Outbound> Write(X12PartnerOptions options, IControlNumbers? numbers, params IX12Document[] documents) =>
        X12Samples.Writer(options, numbers).WriteAsync(documents, TestContext.Current.CancellationToken);

    private static async Task<X12Error> Refused(X12PartnerOptions options, IX12Document document) =>
        (await Assert.ThrowsAsync<X12Exception>(() => Write(options, null, document))).Error;

    [Fact]
    public async Task WriteAsync_945_EnvelopeFromTheOptionsClockAndControlNumbersAroundTheHandBuiltSegments()
    {
        var written = await Write(WithLineBreaks, null, X12Samples.Shipped);

        var body = X12Samples.Shipped945.Split('\n').SkipWhile(s => !s.StartsWith("ST*", StringComparison.Ordinal)).TakeWhile(s => !s.StartsWith("GE*", StringComparison.Ordinal));
        var expected = string.Join("\n",
        [
            "ISA*00*          *00*          *ZZ*WMSHUB         *ZZ*ACME3PL        *261123*1015*U*00401*000000001*0*P*>~",
            "GS*SW*WMSHUB*ACME3PL*20261123*1015*1*X*004010~",
            .. body,
            "GE*1*1~",
            "IEA*1*000000001~",
            "",
        ]);
        Assert.Equal(expected, written.Text);
        Assert.Equal(new X12Outbound(expected, 1, [new X12OutboundGroup("SW", 1, [new X12OutboundSet("945", "0001")])]), written);
    }

    [Fact]
    public async Task WriteAsync_Twice_TakesTheNextControlNumbers()
    {
        var numbers = new InMemoryControlNumbers();

        var first = await Write(X12Samples.Hub, numbers, X12Samples.Ordered, X12Samples.Shipped);
        var second = await Write(X12Samples.Hub, numbers, X12Samples.Ordered);

        Assert.Equal((1, 2), (first.InterchangeControlNumber, second.InterchangeControlNumber));
        Assert.Equal([1, 2], first.Groups.Select(g => g.ControlNumber));
        Assert.Equal(3, Assert.Single(second.Groups).ControlNumber);
        Assert.Equal("0003", Assert.Single(second.Groups[0].Sets).ControlNumber);
        Assert.StartsWith("ISA*", second.Text, StringComparison.Ordinal);
        Assert.Contains("*000000002*0*P*>~", second.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_AfterNineNines_ControlNumbersWrapToOne()
    {
        var numbers = new InMemoryControlNumbers(999_999_999);

        var first = await Write(X12Samples.Hub, numbers, X12Samples.Ordered, X12Samples.Shipped);
        var second = await Write(X12Samples.Hub, numbers, X12Samples.Ordered);

        Assert.Equal((999_999_999, 1), (first.InterchangeControlNumber, second.InterchangeControlNumber));
        Assert.Equal([999_999_999, 1], first.Groups.Select(g => g.ControlNumber));
        Assert.Equal(["999999999", "0001"], first.Groups.Select(g => g.Sets[0].ControlNumber));
        Assert.Equal("0002", second.Groups[0].Sets[0].ControlNumber);
        Assert.Contains("IEA*2*999999999~", first.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_TestDataAskingForTa1_SetsIsa14AndIsa15()
    {
        var written = await Write(X12Samples.Hub with { Usage = X12Usage.Test, RequestInterchangeAcknowledgment = true }, null, X12Samples.Ordered);

        Assert.Contains("*000000001*1*T*>~", written.Text, StringComparison.Ordinal);
        Assert.Equal(X12Usage.Test, X12Reader.ReadHeader(written.Text).Usage);
    }

    [Fact]
    public async Task WriteAsync_Version00501_WritesTheRepetitionSeparatorInIsa11()
    {
        var options = X12Samples.Hub with { InterchangeVersion = "00501", Delimiters = new X12Delimiters('*', ':', '~', '^') };

        var written = await Write(options, null, X12Samples.Ordered);

        Assert.Contains("*261123*1015*^*00501*000000001*0*P*:~", written.Text, StringComparison.Ordinal);
        Assert.Equal(new X12Delimiters('*', ':', '~', '^'), X12Reader.ReadHeader(written.Text).Delimiters);
    }

    [Fact]
    public async Task WriteAsync_PartnerOmitsW76_TotalLeftOutAndTheOrderStillReads()
    {
        var options = X12Samples.Hub with { OmittedSegments = new HashSet<string> { "W76" } };

        var written = await Write(options, null, X12Samples.Ordered);

        Assert.DoesNotContain("W76", written.Text, StringComparison.Ordinal);
        Assert.Equal(X12Samples.Ordered, Assert.Single(new X12Reader(X12Samples.Mirror(options)).Read(written.Text).Documents).Document);
    }

    [Fact]
    public async Task WriteAsync_PartnerOmitsW66ButTheOrderHasACarrier_RefusedAtTheW66()
    {
        var error = await Refused(X12Samples.Hub with { OmittedSegments = new HashSet<string> { "W66" } }, X12Samples.Ordered);

        Assert.Equal((X12ErrorCode.NotRepresentable, "W66", 11, 9), (error.Code, error.SegmentId, error.SegmentIndex, error.SetPosition));
    }

    [Fact]
    public async Task WriteAsync_GtinNotInItsFourteenDigitForm_RefusedAtTheProductId()
    {
        var line = X12Samples.Ordered.Lines[0] with { Item = new X12ItemId("UK", "4006381333931") };

        var error = await Refused(X12Samples.Hub, X12Samples.Ordered with { Lines = [line] });

        Assert.Equal((X12ErrorCode.InvalidIdentifier, "W01", 13, 11, 5), (error.Code, error.SegmentId, error.SegmentIndex, error.SetPosition, error.ElementPosition));
    }

    [Fact]
    public async Task WriteAsync_UpcWhoseGtinDoesNotStartWithTwoZeros_RefusedAtTheProductId()
    {
        var line = X12Samples.Ordered.Lines[0] with { Item = new X12ItemId("UP", "10012345678902") };

        var error = await Refused(X12Samples.Hub, X12Samples.Ordered with { Lines = [line] });

        Assert.Equal((X12ErrorCode.InvalidIdentifier, "W01", 5), (error.Code, error.SegmentId, error.ElementPosition));
    }

    [Fact]
    public async Task WriteAsync_DataHoldingADelimiter_RefusedAsInvalidCharacter()
    {
        var party = X12Samples.Ordered.Parties[0] with { Name = "Jane*Doe" };

        var error = await Refused(X12Samples.Hub, X12Samples.Ordered with { Parties = [party] });

        Assert.Equal((X12ErrorCode.InvalidCharacter, "N1", 5, 3, 2), (error.Code, error.SegmentId, error.SegmentIndex, error.SetPosition, error.ElementPosition));
    }

    [Fact]
    public async Task WriteAsync_EmptyOptionalValue_RefusedBecauseItWouldNotReadBack()
    {
        var error = await Refused(X12Samples.Hub, X12Samples.Ordered with { PurchaseOrderNumber = "" });

        Assert.Equal((X12ErrorCode.NotRepresentable, "ST", 3, 1), (error.Code, error.SegmentId, error.SegmentIndex, error.SetPosition));
    }

    [Fact]
    public async Task WriteAsync_CarrierWithoutThePaymentMethodW66Needs_RefusedAtW6601()
    {
        var error = await Refused(X12Samples.Hub, X12Samples.Ordered with { Carrier = new X12Carrier("U", "UPSN") });

        Assert.Equal((X12ErrorCode.MandatoryElementMissing, "W66", 11, 1), (error.Code, error.SegmentId, error.SegmentIndex, error.ElementPosition));
    }

    [Fact]
    public async Task WriteAsync_NoDocuments_Refused() =>
        await Assert.ThrowsAsync<ArgumentException>(() => Write(X12Samples.Hub, null));

    [Theory]
    [InlineData('*', '*', '~')]
    [InlineData('*', 'A', '~')]
    [InlineData('*', '>', ' ')]
    [InlineData('.', '>', '~')]
    public void Constructor_UnusableDelimiters_RefusedAtStart(char element, char component, char segment) =>
        Assert.Throws<ValidationException>(() => X12Samples.Writer(X12Samples.Hub with { Delimiters = new X12Delimiters(element, component, segment) }));

    [Fact]
    public void Constructor_BadPartnerSettings_RefusedAtStart()
    {
        Assert.Throws<ValidationException>(() => X12Samples.Writer(X12Samples.Hub with { OwnQualifier = "Z" }));
        Assert.Throws<ValidationException>(() => X12Samples.Writer(X12Samples.Hub with { PartnerId = "ACME3PL-WITH-A-LONG-ID" }));
        Assert.Throws<ValidationException>(() => X12Samples.Writer(X12Samples.Hub with { OwnId = "HUB*1" }));
        Assert.Throws<ValidationException>(() => X12Samples.Writer(X12Samples.Hub with { GroupVersion = "005010" }));
        Assert.Throws<ValidationException>(() => new X12Reader(X12Samples.Hub with { IgnoredSegments = new HashSet<string> { "nte" } }));
    }

    [Fact]
    public async Task WriteAsync_PartnerOmitsAMandatorySegment_RefusedAsAConfigurationError() =>
        await Assert.ThrowsAsync<ArgumentException>(() => Write(X12Samples.Hub with { OmittedSegments = new HashSet<string> { "W03" } }, null, X12Samples.Shipped));
}
