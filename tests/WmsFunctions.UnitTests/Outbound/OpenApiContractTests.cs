using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WmsFunctions.Adapters.HubJson;
using WmsFunctions.Flows;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.UnitTests.Support;

namespace WmsFunctions.UnitTests.Outbound;

/// <summary>
/// functions/openapi/wms-outbound.json is what <see cref="HubJsonContract"/> generates from the registered flows, and
/// describes exactly what the hub-json adapter sends: the same paths, and every document it renders (with every
/// optional field set, and with none, for every action) is valid against the schema, which declares no property the
/// code never sends. Nothing here is per flow: a new flow is checked from its registration and its document record.
/// After a change to a flow or a document, regenerate the file with
/// <c>WMS_UPDATE_OPENAPI=1 dotnet test tests/WmsFunctions.UnitTests --filter FullyQualifiedName~OpenApiContractTests</c>
/// and review its diff: it is what WMS vendors implement.
/// </summary>
public sealed class OpenApiContractTests
{
    private const string RegenerateSetting = "WMS_UPDATE_OPENAPI";

    private static readonly string Generated = HubJsonContract.Write(HubJsonContract.Generate(HubFlows.OmsToWms));

    // Read back as a WMS vendor reads it, not as the tree the generator built.
    private static readonly JsonObject Document = JsonNode.Parse(Generated)!.AsObject();

    public static TheoryData<string> Flows => [.. HubFlows.OmsToWms.Select(f => f.Name)];

    [Fact]
    public void CheckedInContract_IsWhatTheRegisteredFlowsGenerate()
    {
        var file = Path.Combine(Repository.Root, HubJsonContract.CheckedInPath);
        if (Environment.GetEnvironmentVariable(RegenerateSetting) == "1")
        {
            File.WriteAllText(file, Generated);
        }

        Assert.True(File.Exists(file), $"{file} is missing: run with {RegenerateSetting}=1 to write it.");
        var checkedIn = File.ReadAllText(file).ReplaceLineEndings("\n").Split('\n');
        var expected = Generated.Split('\n');
        var line = Enumerable.Range(0, Math.Max(checkedIn.Length, expected.Length))
            .FirstOrDefault(i => i >= checkedIn.Length || i >= expected.Length || checkedIn[i] != expected[i], -1);
        Assert.True(
            line < 0,
            $"{HubJsonContract.CheckedInPath} differs from what the code generates from line {line + 1} " +
            $"(file: '{checkedIn.ElementAtOrDefault(line)?.Trim()}', generated: '{expected.ElementAtOrDefault(line)?.Trim()}'). " +
            $"It is generated, never edited: regenerate it with {RegenerateSetting}=1 dotnet test tests/WmsFunctions.UnitTests " +
            "--filter FullyQualifiedName~OpenApiContractTests and review the diff.");
    }

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
        var definition = HubFlows.OmsToWms.Single(f => f.Name == flow);
        var path = HubJsonDialect.PathOf(flow);
        var schema = Document["paths"]!["/" + path]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!.AsObject();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        Assert.NotEmpty(definition.Actions);
        foreach (var action in definition.Actions)
        {
            foreach (var entity in new[] { DocumentSamples.Full(definition.DocumentType), DocumentSamples.Minimal(definition.DocumentType) })
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

    [Theory]
    [MemberData(nameof(Flows))]
    public void Samples_FullSetsEveryProperty_MinimalOnlyTheRequiredOnes(string flow)
    {
        var document = HubFlows.OmsToWms.Single(f => f.Name == flow).DocumentType;
        var schema = Document["components"]!["schemas"]![HubJsonContract.SchemaName(document)]!.AsObject();
        var property = HubJsonDialect.PropertyOf(document);
        JsonObject Rendered(WmsDocument sample) =>
            JsonNode.Parse(HubJsonDialect.Render(new OutboundDocument("m-1", "a", 1, flow, sample)).Body)![property]!.AsObject();

        var full = Rendered(DocumentSamples.Full(document));
        var minimal = Rendered(DocumentSamples.Minimal(document));

        Assert.Equal(schema["properties"]!.AsObject().Select(p => p.Key), full.Select(p => p.Key));
        Assert.Equal(schema["required"]!.AsArray().Select(r => (string)r!), minimal.Select(p => p.Key));
        Assert.All(minimal.Where(p => p.Value is JsonArray), p => Assert.Empty(p.Value!.AsArray()));
        Assert.All(full.Where(p => p.Value is JsonArray), p => Assert.NotEmpty(p.Value!.AsArray()));
    }

    [Fact]
    public void Validator_CatchesAnUndeclaredProperty_AndAMissingRequiredOne()
    {
        var schema = Document["components"]!["schemas"]!["OrderLine"]!.AsObject();
        var errors = new List<string>();

        Validate(JsonNode.Parse("""{"lineNumber":1,"sku":"S","quantity":1,"colour":"red"}"""), schema, "$", errors, []);

        Assert.Equal(["$: 'colour' is not declared", "$: 'unit' is required"], errors.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Validator_CatchesAnEmptyCode_AndANumberBelowItsMinimum()
    {
        var schema = Document["components"]!["schemas"]!["OrderLine"]!.AsObject();
        var errors = new List<string>();

        Validate(JsonNode.Parse("""{"lineNumber":0,"sku":"","quantity":1,"unit":"EA"}"""), schema, "$", errors, []);

        Assert.Equal(["$.lineNumber: 0 is not within 1..", "$.sku: '' is not 1..128 long"], errors.Order(StringComparer.Ordinal));
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

                if (s.Length < ((int?)schema["minLength"] ?? 0) || s.Length > ((int?)schema["maxLength"] ?? int.MaxValue))
                {
                    errors.Add($"{path}: '{s}' is not {schema["minLength"]}..{schema["maxLength"]} long");
                }

                break;
            case "integer" when value is JsonValue number && number.TryGetValue<long>(out var whole):
                if (whole < ((long?)schema["minimum"] ?? long.MinValue) || whole > ((long?)schema["maximum"] ?? long.MaxValue))
                {
                    errors.Add($"{path}: {whole} is not within {schema["minimum"]}..{schema["maximum"]}");
                }

                break;
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
}
