using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Adapters.GenericXml;
using WmsFunctions.Adapters.HubJson;
using WmsFunctions.Adapters.X12;
using WmsFunctions.Platform.Tenancy;
using WmsFunctions.Flows;
using WmsFunctions.Flows.Items;
using WmsFunctions.Flows.Vendors;
using WmsFunctions.Flows.PurchaseOrders;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Flows.OrderChanges;
using WmsFunctions.Flows.ReturnAuthorizations;

namespace WmsFunctions.UnitTests.Outbound;

/// <summary>
/// functions/openapi/wms-outbound.json describes exactly what the hub-json adapter sends: the same paths, and
/// every document it renders (with every optional field set, and with none) is valid against the documented
/// schema, which declares no property the code never sends.
/// </summary>
public sealed class OpenApiContractTests
{
    private static readonly JsonObject Document = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "functions", "openapi", "wms-outbound.json")))!.AsObject();

    private static readonly DateOnly Day = new(2026, 12, 1);

    public static TheoryData<string> Flows => [.. HubFlows.OmsToWms.Select(f => f.Name)];

    /// <summary>Per flow: a document with every optional field set, and its actions.</summary>
    private static (WmsDocument Full, WmsDocument Minimal, string[] Actions) Samples(string flow) => flow switch
    {
        ItemDownloadFlow.Name => (
            new WmsItem("S", "d", true, "EA", ["00036000291452"], new WmsDimensions(1, 2, 3.5m, "CM"), new WmsWeight(0.2m, "KG"),
                [new WmsPack("CS", 12, "10012345678902")], new SortedDictionary<string, string> { ["color"] = "red" }, ["https://img.example.test/a.jpg"]),
            new WmsItem("S", "d", false, "EA", [], null, null, [], new SortedDictionary<string, string>(), []),
            ["upsert"]),
        VendorDownloadFlow.Name => (
            new WmsVendor("V", "n", true, new WmsAddress("l1", "l2", "c", "r", "p", "GB"), [new WmsContact("n", "role", "a@b.test", "1")]),
            new WmsVendor("V", "n", true, null, []),
            ["upsert"]),
        PurchaseOrderOutFlow.Name => (
            new WmsPurchaseOrder("PO", "L", "V", Day, [new WmsPurchaseOrderLine(1, "S", 2, "EA", Day, false)]),
            new WmsPurchaseOrder("PO", "L", null, null, [new WmsPurchaseOrderLine(1, "S", 2, "EA", null, true)]),
            ["create", "change", "cancel"]),
        PickSlipOutFlow.Name => (
            new WmsPickSlip("P", "O", "L", true, "C", "S", new WmsShipTo("n", "co", "l1", "l2", "c", "r", "p", "US", "1"), "R", [new WmsPickLine(1, "S", 1, "EA", true)]),
            new WmsPickSlip("P", "O", "L", false, null, null, null, null, []),
            ["generate", "reprint", "void"]),
        OrderChangeOutFlow.Name => (
            new WmsOrderChange("O", "L", "R", [new WmsOrderLine(1, "S", 0, "EA")]),
            new WmsOrderChange("O", "L", null, []),
            ["modify", "cancel"]),
        ReturnAuthorizationOutFlow.Name => (
            new WmsReturnAuthorization("RA", "O", "L", "R", [new WmsReturnLine(1, "S", 1, "EA", "R")]),
            new WmsReturnAuthorization("RA", null, "L", null, []),
            ["create", "change", "delete"]),
        _ => throw new ArgumentOutOfRangeException(nameof(flow)),
    };

    [Fact]
    public void Paths_AreExactlyTheAdaptersRoutes()
    {
        var documented = Document["paths"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal);
        var stock = new HubJsonStockDialect().PageRequest("F", null, 1).Path.Split('?')[0]; // the reconciliation's listing
        var routed = HubFlows.OmsToWms.Select(f => "/" + HubJsonDialect.PathOf(f.Name)).Append("/" + stock).Order(StringComparer.Ordinal);

        Assert.Equal(routed, documented);
    }

    [Theory]
    [MemberData(nameof(Flows))]
    public void EveryRenderedDocument_IsValidAgainstItsSchema_AndTheSchemaHasNothingTheCodeNeverSends(string flow)
    {
        var (full, minimal, actions) = Samples(flow);
        var path = HubJsonDialect.PathOf(flow);
        var schema = Document["paths"]!["/" + path]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!.AsObject();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        foreach (var action in actions)
        {
            foreach (var entity in new[] { full, minimal })
            {
                var request = HubJsonDialect.Render(new OutboundDocument("m-1", action, 7, flow, entity));
                Assert.Equal(("POST", path, "application/json"), (request.Method.Method, request.Path, request.ContentType));
                var errors = new List<string>();
                Validate(JsonNode.Parse(request.Body), schema, "$", errors, seen);
                Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
            }
        }

        var declared = new HashSet<string>(StringComparer.Ordinal);
        Declared(schema, "$", declared);
        Assert.Empty(declared.Except(seen));
    }

    [Fact]
    public void Validator_CatchesAnUndeclaredProperty_AndAMissingRequiredOne()
    {
        var schema = Document["components"]!["schemas"]!["OrderLine"]!.AsObject();
        var errors = new List<string>();

        Validate(JsonNode.Parse("""{"lineNumber":1,"sku":"S","quantity":1,"colour":"red"}"""), schema, "$", errors, []);

        Assert.Equal(["$: 'colour' is not declared", "$: 'unit' is required"], errors.Order(StringComparer.Ordinal));
    }

    private static JsonObject Resolve(JsonObject schema) =>
        schema["$ref"] is { } reference
            ? Document["components"]!["schemas"]![((string)reference!)["#/components/schemas/".Length..]]!.AsObject()
            : schema;

    private static void Validate(JsonNode? value, JsonObject schema, string path, List<string> errors, HashSet<string> seen)
    {
        schema = Resolve(schema);
        var type = (string?)schema["type"];
        switch (type)
        {
            case "object" when value is JsonObject obj:
                var properties = schema["properties"]?.AsObject();
                foreach (var (name, child) in obj)
                {
                    if (properties?[name] is JsonObject propertySchema)
                    {
                        seen.Add($"{path}.{name}");
                        Validate(child, propertySchema, $"{path}.{name}", errors, seen);
                    }
                    else if (schema["additionalProperties"] is JsonObject additional)
                    {
                        Validate(child, additional, $"{path}.*", errors, seen);
                    }
                    else
                    {
                        errors.Add($"{path}: '{name}' is not declared");
                    }
                }

                foreach (var required in schema["required"]?.AsArray() ?? [])
                {
                    if (!obj.ContainsKey((string)required!))
                    {
                        errors.Add($"{path}: '{required}' is required");
                    }
                }

                break;
            case "array" when value is JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Validate(array[i], schema["items"]!.AsObject(), $"{path}[]", errors, seen);
                }

                break;
            case "string" when value is JsonValue text && text.TryGetValue<string>(out var s):
                if (schema["enum"] is JsonArray allowed && !allowed.Any(a => (string?)a == s))
                {
                    errors.Add($"{path}: '{s}' is not one of {allowed.ToJsonString()}");
                }

                if ((string?)schema["pattern"] is { } pattern && !Regex.IsMatch(s, pattern))
                {
                    errors.Add($"{path}: '{s}' does not match {pattern}");
                }

                break;
            case "integer" when value is JsonValue number && number.TryGetValue<long>(out _):
            case "number" when value is JsonValue n && n.TryGetValue<decimal>(out _):
            case "boolean" when value is JsonValue b && b.TryGetValue<bool>(out _):
                break;
            default:
                errors.Add($"{path}: {value?.ToJsonString() ?? "null"} is not of type {type}");
                break;
        }
    }

    private static void Declared(JsonObject schema, string path, HashSet<string> declared)
    {
        schema = Resolve(schema);
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                declared.Add($"{path}.{name}");
                Declared(child!.AsObject(), $"{path}.{name}", declared);
            }
        }

        if (schema["items"] is JsonObject items)
        {
            Declared(items, path + "[]", declared);
        }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WmsFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("WmsFunctions.sln not found");
    }
}
