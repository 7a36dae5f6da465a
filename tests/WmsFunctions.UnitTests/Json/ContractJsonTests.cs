using System.Text;
using WmsFunctions.Flows.Inventory;
using WmsFunctions.Platform.Json;

namespace WmsFunctions.UnitTests.Json;

public sealed class ContractJsonTests
{
    private static bool TryParse(string json, out InventoryTransactionRequest value, out WmsFunctions.Platform.Problems.Problem? problem) =>
        ContractJson.TryParse(Encoding.UTF8.GetBytes(json), out value, out problem);

    [Theory]
    [InlineData("""{"a":1,"a":2}""", "$.a")]
    [InlineData("""{"quantity":1,"sku":"x","Quantity":50}""", "$.Quantity")]
    [InlineData("""{"a":{"b":1,"B":2}}""", "$.a.B")]
    [InlineData("""{"lines":[{"line":1},{"line":2,"LINE":3}]}""", "$.lines[1].LINE")]
    [InlineData("""{"x":[[1,2],{"y":{"z":1,"\u007a":2}}]}""", "$.x[1].y.z")] // an escaped name is the same name
    [InlineData("""[{"a":1},{"a":1,"a":2}]""", "$[1].a")]
    public void DuplicateProperty_FindsANameGivenTwice_IgnoringCase_AtAnyDepth(string json, string path) =>
        Assert.Equal(path, ContractJson.DuplicateProperty(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("""{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}""")] // the same name in other objects is no duplicate
    [InlineData("""{"a":""")] // not JSON: the parser reports it
    [InlineData("""[]""")]
    [InlineData("""42""")]
    public void DuplicateProperty_IsNull_WhenEachObjectNamesEachPropertyOnce(string json) =>
        Assert.Null(ContractJson.DuplicateProperty(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void TryParse_ANameGivenTwice_IsMalformedJson_NamingIt()
    {
        Assert.False(TryParse("""{"eventId":"e1","quantity":1,"Quantity":50}""", out _, out var problem));

        Assert.Equal(("malformed-json", 400), (problem!.Type, problem.Status));
        Assert.StartsWith("'$.Quantity' is given more than once", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_BindsNamesExactly()
    {
        Assert.True(TryParse("""{"EventId":"e1","quantity":3}""", out var request, out _));

        Assert.Null(request.EventId); // "EventId" is not the contract's "eventId"
        Assert.Equal(3, request.Quantity);
    }
}
