using WmsFunctions.Edi;
using WmsFunctions.Edi.Documents;

namespace WmsFunctions.UnitTests.Edi;

public class X12AcknowledgmentTests
{
    private static readonly string Sample = X12Samples.Shipped945;

    /// <summary>The ST..SE segments of the sample 945, with another control number and one replacement.</summary>
    private static string[] Set945(string controlNumber, string from = "", string to = "") =>
        Sample.Split("~\n")
            .SkipWhile(s => !s.StartsWith("ST*", StringComparison.Ordinal))
            .TakeWhile(s => !s.StartsWith("GE*", StringComparison.Ordinal))
            .Select(s => s.Replace("*0001", "*" + controlNumber, StringComparison.Ordinal))
            .Select(s => from.Length > 0 ? s.Replace(from, to, StringComparison.Ordinal) : s)
            .ToArray();

    private static X12Receipt Receive(string text, X12PartnerOptions? options = null) => new X12Reader(options ?? X12Samples.Hub).Receive(text);

    private static async Task<string> Write997(FunctionalGroupAcknowledged acknowledgment) =>
        (await X12Samples.Writer().WriteAsync([acknowledgment], TestContext.Current.CancellationToken)).Text;

    [Fact]
    public async Task Receive_EverySetValid_997AcceptsTheSetAndTheGroup()
    {
        var receipt = Receive(Sample);

        var acknowledgment = Assert.Single(receipt.Acknowledgments);
        Assert.Equal(new FunctionalGroupAcknowledged("SW", 42, [new SetAcknowledgment("945", "0001", [], X12AcknowledgmentCode.Accepted, [])],
            X12AcknowledgmentCode.Accepted, 1, 1, 1, []), acknowledgment);
        Assert.Equal(X12Samples.Shipped, Assert.Single(receipt.AcceptedDocuments));
        var text = await Write997(acknowledgment);
        Assert.Contains("GS*FA*WMSHUB*ACME3PL*", text, StringComparison.Ordinal);
        Assert.Contains("ST*997*0001~AK1*SW*42~AK2*945*0001~AK5*A~AK9*A*1*1*1~SE*6*0001~", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Receive_OneOfTwoSetsWithABadGtin_997RejectsThatSetWithAk3Ak4AndPartiallyAcceptsTheGroup()
    {
        var text = X12Samples.Interchange("SW", 42, [.. Set945("0001"), .. Set945("0002", "UK*10012345678902", "UK*10012345678903")]);

        var receipt = Receive(text);

        var acknowledgment = Assert.Single(receipt.Acknowledgments);
        Assert.Equal(X12AcknowledgmentCode.PartiallyAccepted, acknowledgment.Code);
        Assert.Equal((2, 2, 1), (acknowledgment.SetsIncluded, acknowledgment.SetsReceived, acknowledgment.SetsAccepted));
        Assert.Equal(new SetAcknowledgment("945", "0001", [], X12AcknowledgmentCode.Accepted, []), acknowledgment.Sets[0]);
        Assert.Equal(new SetAcknowledgment("945", "0002",
            [new SegmentNote("W12", 13, null, "8", [new ElementNote(8, null, 234, "7", "10012345678903")])],
            X12AcknowledgmentCode.Rejected, ["5"]), acknowledgment.Sets[1]);
        Assert.Equal([X12Samples.Shipped], receipt.AcceptedDocuments);
        Assert.Null(receipt.Sets[1].Document);
        Assert.Equal(X12ErrorCode.InvalidIdentifier, Assert.Single(receipt.Sets[1].Errors).Code);
        Assert.Contains("AK2*945*0002~AK3*W12*13**8~AK4*8*234*7*10012345678903~AK5*R*5~AK9*P*2*2*1~", await Write997(acknowledgment), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SE*18*0001", "SE*18*0002", "3")]
    [InlineData("SE*18*0001", "SE*17*0001", "4")]
    public void Receive_TrailerDisagreesWithTheSet_Ak5RejectsWithTheSyntaxCode(string from, string to, string code)
    {
        var acknowledgment = Assert.Single(Receive(Sample.Replace(from, to, StringComparison.Ordinal)).Acknowledgments);

        Assert.Equal(new SetAcknowledgment("945", "0001", [], X12AcknowledgmentCode.Rejected, [code]), Assert.Single(acknowledgment.Sets));
        Assert.Equal((X12AcknowledgmentCode.Rejected, 0), (acknowledgment.Code, acknowledgment.SetsAccepted));
    }

    [Fact]
    public void Receive_MandatorySegmentMissing_Ak3Code3WhereItWasExpected()
    {
        var text = Sample.Replace("W03*7*4.5*LB~\n", "", StringComparison.Ordinal).Replace("SE*18*", "SE*17*", StringComparison.Ordinal);

        var set = Assert.Single(Assert.Single(Receive(text).Acknowledgments).Sets);

        Assert.Equal([new SegmentNote("W03", 17, null, "3", [])], set.Segments);
        Assert.Equal(["5"], set.Errors);
    }

    [Fact]
    public void Receive_SegmentOutOfOrderInsideALoop_OnlyThatSegmentIsNoted()
    {
        var text = Sample.Replace("MAN*CP*1Z999AA10123456784~\n", "", StringComparison.Ordinal)
            .Replace("W12*CC*5*5*0*EA**UK*10012345678902*LOT-9~\n", "W12*CC*5*5*0*EA**UK*10012345678902*LOT-9~\nMAN*CP*1Z999AA10123456784~\n", StringComparison.Ordinal);

        var set = Assert.Single(Assert.Single(Receive(text).Acknowledgments).Sets);

        Assert.Equal([new SegmentNote("MAN", 13, null, "7", [])], set.Segments);
    }

    [Fact]
    public void Receive_GroupControlNumberMismatch_GroupRejectedWithAk905Code4AndNothingApplied()
    {
        var receipt = Receive(Sample.Replace("GE*1*42", "GE*1*43", StringComparison.Ordinal));

        var acknowledgment = Assert.Single(receipt.Acknowledgments);
        Assert.Equal((X12AcknowledgmentCode.Rejected, 1, 1, 0), (acknowledgment.Code, acknowledgment.SetsIncluded, acknowledgment.SetsReceived, acknowledgment.SetsAccepted));
        Assert.Equal(["4"], acknowledgment.Errors);
        Assert.Empty(receipt.AcceptedDocuments);
    }

    [Fact]
    public void Receive_UnsupportedSet_Ak5Code1()
    {
        var text = X12Samples.Interchange("SW", 42, "ST*856*0001", "BSN*00*SHP-77*20261123*1015", "SE*3*0001");

        var set = Assert.Single(Assert.Single(Receive(text).Acknowledgments).Sets);

        Assert.Equal(new SetAcknowledgment("856", "0001", [], X12AcknowledgmentCode.Rejected, ["1"]), set);
    }

    [Fact]
    public void Receive_UnknownSegmentTheOptionsSkip_SetAcceptedWithErrorsNoted()
    {
        var text = Sample.Replace("W27*M*UPSN*UPS GROUND*PP~\n", "W27*M*UPSN*UPS GROUND*PP~\nNTE*GEN*Fragile~\n", StringComparison.Ordinal)
            .Replace("SE*18*", "SE*19*", StringComparison.Ordinal);

        var receipt = Receive(text, X12Samples.Hub with { UnknownSegments = X12UnknownSegments.Skip });

        var acknowledgment = Assert.Single(receipt.Acknowledgments);
        Assert.Equal(new SetAcknowledgment("945", "0001", [new SegmentNote("NTE", 10, null, "6", [])], X12AcknowledgmentCode.AcceptedWithErrors, []),
            Assert.Single(acknowledgment.Sets));
        Assert.Equal((X12AcknowledgmentCode.AcceptedWithErrors, 1), (acknowledgment.Code, acknowledgment.SetsAccepted));
        Assert.Equal(X12Samples.Shipped, Assert.Single(receipt.AcceptedDocuments));
    }

    [Fact]
    public void Receive_InterchangeEnvelopeBroken_RefusedWithoutA997()
    {
        var error = Assert.Throws<X12Exception>(() => Receive(Sample.Replace("IEA*1*000000042", "IEA*1*000000041", StringComparison.Ordinal))).Error;

        Assert.Equal((X12ErrorCode.InterchangeControlNumberMismatch, "IEA", 22), (error.Code, error.SegmentId, error.SegmentIndex));
    }

    [Fact]
    public void Receive_An997_IsReadButNotAcknowledged()
    {
        var receipt = Receive(X12Samples.Acknowledgment997);

        Assert.Empty(receipt.Acknowledgments);
        Assert.Equal(X12Samples.Acknowledgment, Assert.Single(receipt.AcceptedDocuments));
    }

    private static readonly X12Outbound SentTwoOrders = new("", 7,
        [new X12OutboundGroup("OW", 7, [new X12OutboundSet("940", "0001"), new X12OutboundSet("940", "0002")])]);

    [Fact]
    public void Match_HandBuilt997_TellsWhichOutboundSetWasAccepted()
    {
        var acknowledgment = (FunctionalGroupAcknowledged)Assert.Single(new X12Reader(X12Samples.Hub).Read(X12Samples.Acknowledgment997).Documents).Document;

        var match = X12Acknowledgments.Match(acknowledgment, [SentTwoOrders]);

        Assert.NotNull(match);
        Assert.Equal((7, "OW", 7, X12AcknowledgmentCode.PartiallyAccepted), (match.InterchangeControlNumber, match.Group.FunctionalId, match.Group.ControlNumber, match.GroupCode));
        Assert.Equal([true, false], match.Sets.Select(s => s.IsAccepted));
        Assert.Equal("W01", Assert.Single(match.Sets[1].Segments).SegmentId);
        Assert.Empty(match.Unmatched);
    }

    [Theory]
    [InlineData(X12AcknowledgmentCode.Accepted, true)]
    [InlineData(X12AcknowledgmentCode.AcceptedWithErrors, true)]
    [InlineData(X12AcknowledgmentCode.Rejected, false)]
    public void Match_997WithoutAk2Loops_EverySetTakesTheGroupCode(X12AcknowledgmentCode groupCode, bool accepted)
    {
        var match = X12Acknowledgments.Match(new FunctionalGroupAcknowledged("OW", 7, [], groupCode, 2, 2, accepted ? 2 : 0, []), [SentTwoOrders]);

        Assert.NotNull(match);
        Assert.All(match.Sets, s => Assert.Equal(accepted, s.IsAccepted));
    }

    [Fact]
    public void Match_997ForAGroupNeverSent_IsNull()
    {
        Assert.Null(X12Acknowledgments.Match(X12Samples.Acknowledgment with { GroupControlNumber = 8 }, [SentTwoOrders]));
        Assert.Null(X12Acknowledgments.Match(X12Samples.Acknowledgment with { FunctionalId = "SW" }, [SentTwoOrders]));
    }

    [Fact]
    public void Match_997NamingASetNeverSent_ListsItAsUnmatched()
    {
        var stray = new SetAcknowledgment("940", "0009", [], X12AcknowledgmentCode.Accepted, []);

        var match = X12Acknowledgments.Match(X12Samples.Acknowledgment with { Sets = [.. X12Samples.Acknowledgment.Sets, stray] }, [SentTwoOrders]);

        Assert.Equal([stray], match!.Unmatched);
    }

    [Fact]
    public async Task WriteReceiveAcknowledgeMatch_OrdersSentToThe3pl_ComeBackAccepted()
    {
        var hubNumbers = new InMemoryControlNumbers(500);
        var sent = await X12Samples.Writer(numbers: hubNumbers)
            .WriteAsync([X12Samples.Ordered, X12Samples.Ordered with { DepositorOrderNumber = "ORD-1002" }], TestContext.Current.CancellationToken);

        var threePl = X12Samples.Mirror(X12Samples.Hub);
        var receipt = new X12Reader(threePl).Receive(sent.Text);
        var reply = await X12Samples.Writer(threePl).WriteAsync([.. receipt.Acknowledgments], TestContext.Current.CancellationToken);
        var acknowledgment = (FunctionalGroupAcknowledged)Assert.Single(new X12Reader(X12Samples.Hub).Read(reply.Text).Documents).Document;
        var match = X12Acknowledgments.Match(acknowledgment, [sent]);

        Assert.NotNull(match);
        Assert.Equal(500, match.InterchangeControlNumber);
        Assert.Equal(["0500", "0501"], match.Sets.Select(s => s.ControlNumber));
        Assert.All(match.Sets, s => Assert.Equal(X12AcknowledgmentCode.Accepted, s.Code));
    }
}
