using CsCheck;
using WmsFunctions.Edi;
using WmsFunctions.Edi.Documents;

namespace WmsFunctions.UnitTests.Edi;

public class X12RoundTripTests
{
    private static readonly IX12Document[] EverySet =
    [
        X12Samples.Ordered, X12Samples.Shipped, X12Samples.Transfer, X12Samples.Received,
        X12Samples.Inventory, X12Samples.Adjusted, X12Samples.Acknowledgment,
    ];

    public static TheoryData<char, char, char, char, string, string> DelimiterChoices => new()
    {
        { '*', '>', '~', '^', "", "00401" },
        { '*', '>', '~', '^', "\n", "00401" },
        { '|', '^', '~', '!', "\n", "00401" },
        { '|', '^', '~', '!', "\n", "00501" },
        { '*', '>', '\'', '^', "", "00401" },
        { '*', '>', '\'', '^', "\r\n", "00501" },
        { '!', ':', '$', '`', "", "00501" },
    };

    private static async Task<X12Interchange> WriteAndRead(X12PartnerOptions options, params IX12Document[] documents)
    {
        var written = await X12Samples.Writer(options).WriteAsync(documents, TestContext.Current.CancellationToken);
        return new X12Reader(X12Samples.Mirror(options)).Read(written.Text);
    }

    [Theory]
    [MemberData(nameof(DelimiterChoices))]
    public async Task WriteThenRead_EverySetUnderTheseDelimiters_ReturnsTheSameDocument(char element, char component, char segment, char repetition, string lineBreak, string version)
    {
        var options = X12Samples.Hub with { Delimiters = new X12Delimiters(element, component, segment, repetition, lineBreak), InterchangeVersion = version };
        foreach (var document in EverySet)
        {
            var read = await WriteAndRead(options, document);

            Assert.Equal(document, Assert.Single(read.Documents).Document);
            Assert.Equal(options.Delimiters with { LineBreak = "" }, read.Header.Delimiters with { Repetition = repetition });
        }
    }

    [Fact]
    public async Task WriteThenRead_AllSetsInOneInterchange_OneGroupPerFunctionalIdInOrder()
    {
        var read = await WriteAndRead(X12Samples.Hub, [.. EverySet, X12Samples.Shipped]);

        Assert.Equal(["OW", "SW", "AR", "RE", "IB", "AW", "FA"], read.Groups.Select(g => g.Header.FunctionalId));
        Assert.Equal([.. EverySet.Take(2), X12Samples.Shipped, .. EverySet.Skip(2)], read.Documents.Select(d => d.Document));
        Assert.Equal(["0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008"], read.Documents.Select(d => d.ControlNumber));
    }

    [Fact]
    public async Task WriteThenRead_RandomDocumentsUnderRandomDelimiters_ReturnTheSameDocument() =>
        await Gen.Select(X12Generators.AnyDocument, X12Generators.Options).SampleAsync(async (document, options) =>
        {
            var read = await WriteAndRead(options, document);
            Assert.Equal(document, Assert.Single(read.Documents).Document);
        }, iter: 700);

    [Theory]
    [MemberData(nameof(SetGenerators))]
    public async Task WriteThenRead_RandomDocumentsOfEachSet_ReturnTheSameDocument(string setId) =>
        await Gen.Select(Generators[setId], X12Generators.Options).SampleAsync(async (document, options) =>
        {
            var read = await WriteAndRead(options, document);
            Assert.Equal(setId, document.TransactionSetId);
            Assert.Equal(document, Assert.Single(read.Documents).Document);
        });

    private static readonly Dictionary<string, Gen<IX12Document>> Generators = new()
    {
        ["940"] = X12Generators.ShipmentOrdered,
        ["945"] = X12Generators.OrderShipped,
        ["943"] = X12Generators.TransferShipped,
        ["944"] = X12Generators.TransferReceived,
        ["846"] = X12Generators.InventoryReported,
        ["947"] = X12Generators.InventoryAdjusted,
        ["997"] = X12Generators.FunctionalGroupAcknowledged,
    };

    public static TheoryData<string> SetGenerators => new(Generators.Keys);
}
