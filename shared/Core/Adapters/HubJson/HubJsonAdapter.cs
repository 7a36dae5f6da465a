using System.Text.Json;
using System.Text.Json.Serialization;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Platform.Tenancy;
using WmsFunctions.Adapters.GenericXml;
using WmsFunctions.Adapters.X12;

namespace WmsFunctions.Adapters.HubJson;

/// <summary>
/// The hub's own JSON REST contract (documented in functions/openapi/wms-outbound.json): one POST per document
/// to a collection per flow, body <c>{"messageId","action","version","&lt;entity&gt;":{...}}</c>, header
/// <c>Idempotency-Key</c> = messageId. A refusal the hub knows is an RFC 9457 problem whose <c>type</c> ends
/// with the reason (e.g. <c>urn:wms:problem:order-batched</c>).
/// </summary>
public sealed class HubJsonAdapter : IWmsAdapter
{
    public const string AdapterName = "hub-json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Per flow: the collection the document is posted to and the property that holds the entity.</summary>
    public static IReadOnlyDictionary<string, (string Path, string Property)> Routes { get; } = new Dictionary<string, (string, string)>
    {
        [OutboundFlows.Items] = ("items", "item"),
        [OutboundFlows.Vendors] = ("vendors", "vendor"),
        [OutboundFlows.PurchaseOrders] = ("purchase-orders", "purchaseOrder"),
        [OutboundFlows.PickSlips] = ("pick-slips", "pickSlip"),
        [OutboundFlows.OrderChanges] = ("order-changes", "orderChange"),
        [OutboundFlows.ReturnAuthorizations] = ("return-authorizations", "returnAuthorization"),
    };

    public string Name => AdapterName;

    public WmsRequest Render(WmsDocument document, OutboundInstance instance)
    {
        var (path, property) = Routes[document.Flow];
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("messageId", document.MessageId);
            writer.WriteString("action", document.Action);
            writer.WriteNumber("version", document.Version);
            writer.WritePropertyName(property);
            JsonSerializer.Serialize(writer, document.Entity, document.Entity.GetType(), Json);
            writer.WriteEndObject();
        }

        return new WmsRequest(HttpMethod.Post, path, "application/json", buffer.ToArray());
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
