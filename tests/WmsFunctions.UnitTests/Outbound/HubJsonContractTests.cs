using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using WmsFunctions.Adapters.HubJson;
using WmsFunctions.Flows;
using WmsFunctions.Flows.Items;
using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.UnitTests.Outbound;

/// <summary>
/// How <see cref="HubJsonContract"/> reads a document record: a flow it has never seen gets its path, its envelope and
/// its schemas; a record it cannot describe faithfully is refused with the property named, never written half-right.
/// </summary>
public sealed class HubJsonContractTests
{
    [Fact]
    public void Generate_ANewFlow_GetsItsPathEnvelopeAndSchemas_WithoutAnEditOfTheContract()
    {
        var contract = Generated(HubFlows.OmsToWms.Append(Flow<WmsWidget>("widgets", ["create", "retire"])));

        var operation = contract["paths"]!["/widgets"]!["post"]!;
        Assert.Equal(("postWidget", "Widgets out.", "#/components/schemas/WidgetDocument"), (
            (string?)operation["operationId"],
            (string?)operation["summary"],
            (string?)operation["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]));
        var schemas = contract["components"]!["schemas"]!;
        var envelope = schemas["WidgetDocument"]!;
        Assert.Equal(["create", "retire"], envelope["properties"]!["action"]!["enum"]!.AsArray().Select(a => (string)a!));
        Assert.Equal("#/components/schemas/Widget", (string?)envelope["properties"]!["widget"]!["$ref"]);

        var widget = schemas["Widget"]!;
        Assert.Equal(["widgetId", "due", "parts", "labels"], widget["required"]!.AsArray().Select(r => (string)r!));
        Assert.Equal(["widgetId", "size", "due", "parts", "labels", "note"], widget["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(
            """{"type":"string","minLength":1,"maxLength":20,"pattern":"^W[0-9]+$","description":"The widget."}""",
            Text(widget["properties"]!["widgetId"]!));
        Assert.Equal("""{"type":"integer","format":"int32","minimum":1,"maximum":10}""", Text(widget["properties"]!["size"]!));
        Assert.Equal("""{"type":"string","format":"date"}""", Text(widget["properties"]!["due"]!));
        Assert.Equal("""{"type":"object","additionalProperties":{"type":"string","maxLength":8}}""", Text(widget["properties"]!["labels"]!));
        Assert.Equal(
            """{"type":"object","description":"A part.","additionalProperties":false,"required":["count"],"properties":{"count":{"type":"integer","format":"int64","minimum":0}}}""",
            Text(schemas["WidgetPart"]!));
    }

    [Fact]
    public void Generate_SchemasAndPaths_FollowTheRegistryOrder()
    {
        var contract = Generated(HubFlows.OmsToWms);

        Assert.Equal(
            [.. HubFlows.OmsToWms.Select(f => "/" + HubJsonDialect.PathOf(f.Name)), "/stock"],
            contract["paths"]!.AsObject().Select(p => p.Key));
        var schemas = contract["components"]!["schemas"]!.AsObject().Select(s => s.Key).ToList();
        Assert.Equal(
            [.. HubFlows.OmsToWms.Select(f => HubJsonContract.EnvelopeName(f.DocumentType))],
            schemas.Where(s => s.EndsWith("Document", StringComparison.Ordinal)));
        Assert.True(schemas.IndexOf("Item") < schemas.IndexOf("Pack") && schemas.IndexOf("Pack") < schemas.IndexOf("Vendor"), string.Join(", ", schemas));
    }

    [Fact]
    public void Generate_UpsertOnlyFlow_IsAPut_OtherFlowsArePosts()
    {
        var contract = Generated([Flow<WmsWidget>("widgets", ["upsert"]), Flow<WmsGadget>("gadgets", ["upsert", "delete"])]);

        Assert.Equal("putWidget", (string?)contract["paths"]!["/widgets"]!["post"]!["operationId"]);
        Assert.Equal("postGadget", (string?)contract["paths"]!["/gadgets"]!["post"]!["operationId"]);
    }

    [Fact]
    public void Generate_ItemUnits_AreTheUnitsItemDownloadAccepts()
    {
        var schemas = Generated(HubFlows.OmsToWms)["components"]!["schemas"]!;

        Assert.Equal(ItemDownloadFlow.LengthUnits.Order(StringComparer.Ordinal), schemas["Dimensions"]!["properties"]!["unit"]!["enum"]!.AsArray().Select(u => (string)u!).Order(StringComparer.Ordinal));
        Assert.Equal(ItemDownloadFlow.WeightUnits.Order(StringComparer.Ordinal), schemas["Weight"]!["properties"]!["unit"]!["enum"]!.AsArray().Select(u => (string)u!).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(typeof(WmsUnsupported), "WmsUnsupported.Id")]
    [InlineData(typeof(WmsAttributeOnParameter), "WmsAttributeOnParameter.Code: put its contract attributes on the property")]
    [InlineData(typeof(WmsMisfit), "WmsMisfit.Count: a string constraint does not fit")]
    [InlineData(typeof(WmsDescribedRecord), "WmsDescribedRecord.Part: a record-typed property cannot be described")]
    [InlineData(typeof(WmsExtraProperty), "WmsExtraProperty: the serializer writes 2 properties")]
    [InlineData(typeof(WmsUnknownConstraint), "WmsUnknownConstraint.Mail: EmailAddressAttribute has no place")]
    public void Generate_ARecordItCannotDescribe_ThrowsNamingWhatIsWrong(Type document, string expected)
    {
        var error = Assert.Throws<NotSupportedException>(() => HubJsonContract.Generate([new OutboundFlowDefinition(
            "odd", "Odd", "oms-odd", "odd", ["odd.changed"], ["upsert"], "Odd.", typeof(object), document)]));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_TwoRecordsWithOneSchemaName_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Generated([Flow<WmsWidget>("widgets", ["upsert"]), Flow<Widget>("others", ["upsert"])]));

        Assert.Contains("would both be the schema 'Widget'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_IsIndentedWithATrailingNewline_AndKeepsTextReadable()
    {
        var text = HubJsonContract.Write(HubJsonContract.Generate(HubFlows.OmsToWms));

        Assert.StartsWith("{\n  \"openapi\": \"3.0.3\",\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\n}\n", text, StringComparison.Ordinal);
        Assert.Contains("The WMS's SKU", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u0027", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', text);
    }

    // Compact, with patterns as written (the default encoder would write + as \u002B).
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Text(JsonNode node) => node.ToJsonString(Compact);

    private static JsonObject Generated(IEnumerable<OutboundFlowDefinition> flows) =>
        JsonNode.Parse(HubJsonContract.Write(HubJsonContract.Generate(flows)))!.AsObject();

    private static OutboundFlowDefinition Flow<TDocument>(string name, string[] actions)
        where TDocument : WmsDocument =>
        new(name, name, "oms-" + name, name, [name + ".changed"], actions, "Widgets out.", typeof(object), typeof(TDocument));
}

public sealed record WmsWidget(
    [property: Description("The widget.")]
    [property: StringLength(20, MinimumLength = 1)]
    [property: RegularExpression("^W[0-9]+$")]
    string WidgetId,
    [property: Range(1, 10)]
    int? Size,
    DateOnly Due,
    IReadOnlyList<WidgetPart> Parts,
    [property: StringLength(8)]
    IReadOnlyDictionary<string, string> Labels,
    string? Note) : WmsDocument;

[Description("A part.")]
public sealed record WidgetPart([property: Range(0, long.MaxValue)] long Count);

public sealed record WmsGadget(string GadgetId) : WmsDocument;

/// <summary>Named like <see cref="WmsWidget"/>'s schema, to collide with it.</summary>
public sealed record Widget(string Name) : WmsDocument;

public sealed record WmsUnsupported(Guid Id) : WmsDocument;

public sealed record WmsAttributeOnParameter([Description("Lands on the parameter.")] string Code) : WmsDocument;

public sealed record WmsMisfit([property: StringLength(3)] int Count) : WmsDocument;

public sealed record WmsDescribedRecord([property: Description("A part.")] WidgetPart Part) : WmsDocument;

public sealed record WmsExtraProperty(string Code) : WmsDocument
{
    public string Extra => Code + "!";
}

public sealed record WmsUnknownConstraint([property: EmailAddress] string Mail) : WmsDocument;
