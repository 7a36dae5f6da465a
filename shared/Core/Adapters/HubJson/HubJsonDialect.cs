using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Adapters.HubJson;

/// <summary>
/// The hub's own JSON REST contract (documented in functions/openapi/wms-outbound.json, generated from the documents):
/// one POST per document to a collection per flow, body <c>{"messageId","action","version","&lt;document&gt;":{...}}</c>,
/// header <c>Idempotency-Key</c> = messageId. The contract is the document itself: the collection is the flow's name
/// and the property the document's name (<see cref="PropertyOf"/>), so every flow's document is written without code
/// of its own here. A refusal the hub knows is an RFC 9457 problem whose <c>type</c> ends with the reason (e.g.
/// <c>urn:wms:problem:order-batched</c>).
/// </summary>
public sealed class HubJsonDialect : IWmsDialect, INamedWmsDialect
{
    public static string DialectName => "hub-json";

    /// <summary>How a document is written; <see cref="HubJsonContract"/> describes the records through the same options.</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,

        // The serializer's default, named so the contract can ask it how a record is written before anything is sent.
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    public string Name => DialectName;

    /// <summary>A document's (or a record's) name in the contract: its type's name without "Wms" (WmsPickSlip -> PickSlip).</summary>
    public static string DocumentName(Type document) =>
        document.Name.StartsWith("Wms", StringComparison.Ordinal) ? document.Name[3..] : document.Name;

    /// <summary>The property that holds a document: its <see cref="DocumentName"/>, camelCase (WmsPickSlip -> pickSlip).</summary>
    public static string PropertyOf(Type document) => JsonNamingPolicy.CamelCase.ConvertName(DocumentName(document));

    /// <summary>The collection a flow's documents are posted to, relative to the instance's BaseUrl.</summary>
    public static string PathOf(string flow) => flow;

    public ValueTask<WmsRequest> RenderAsync(OutboundDocument document, OutboundInstance instance, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Render(document));

    public static WmsRequest Render(OutboundDocument document)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("messageId", document.MessageId);
            writer.WriteString("action", document.Action);
            writer.WriteNumber("version", document.Version);
            writer.WritePropertyName(PropertyOf(document.Document.GetType()));
            JsonSerializer.Serialize(writer, document.Document, document.Document.GetType(), Json);
            writer.WriteEndObject();
        }

        return new WmsRequest(HttpMethod.Post, PathOf(document.Flow), "application/json", buffer.ToArray());
    }

    public string? RefusalReason(int status, string? contentType, string body)
    {
        if (contentType is null || !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.ValueKind == JsonValueKind.Object
                && problem.RootElement.TryGetProperty("type", out var type)
                && type.ValueKind == JsonValueKind.String
                && type.GetString()!.EndsWith(RefusalReasons.OrderBatched, StringComparison.Ordinal)
                    ? RefusalReasons.OrderBatched
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
