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

    [Theory]
    [InlineData("2026-11-23T10:00:00")] // no offset: the hub's local time, hours off for a warehouse elsewhere
    [InlineData("2026-11-23T10:00:00.1234567")]
    [InlineData("2026-11-23")] // a bare date: midnight where?
    public void TryParse_ATimeWithoutItsOffset_IsInvalidEvent_NamingTheField(string occurredAt)
    {
        Assert.False(TryParse($$"""{"eventId":"e1","occurredAt":"{{occurredAt}}","quantity":1}""", out _, out var problem));

        Assert.Equal(("invalid-event", 400), (problem!.Type, problem.Status));
        Assert.Equal(ZonelessTimeException.Rule, Assert.Single(problem.Errors!["occurredAt"]));
    }

    [Theory]
    [InlineData("2026-11-23T10:00:00Z", 0)]
    [InlineData("2026-11-23T12:00:00+02:00", 120)]
    [InlineData("2026-11-23T05:00:00-05:00", -300)]
    public void TryParse_ATimeWithItsOffset_IsRead(string occurredAt, int offsetMinutes)
    {
        Assert.True(TryParse($$"""{"eventId":"e1","occurredAt":"{{occurredAt}}"}""", out var request, out _));

        Assert.Equal(TimeSpan.FromMinutes(offsetMinutes), request.OccurredAt!.Value.Offset);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero), request.OccurredAt.Value);
    }

    [Theory]
    [InlineData("1732356000")]
    [InlineData("\"yesterday\"")]
    public void TryParse_ATimeOfTheWrongTypeOrFormat_IsMalformedJson(string occurredAt)
    {
        Assert.False(TryParse($$"""{"eventId":"e1","occurredAt":{{occurredAt}}}""", out _, out var problem));

        Assert.Equal("malformed-json", problem!.Type);
        Assert.StartsWith("'$.occurredAt' has the wrong type or format", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Times_AreWrittenAsBefore()
    {
        var at = new DateTimeOffset(2026, 11, 23, 10, 0, 0, 123, TimeSpan.FromHours(2));

        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(at), System.Text.Json.JsonSerializer.Serialize(at, ContractJson.Options));
    }
}
