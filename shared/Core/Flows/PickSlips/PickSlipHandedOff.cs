using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Platform.Storage;
using WmsFunctions.Platform.Telemetry;

namespace WmsFunctions.Flows.PickSlips;

/// <summary>
/// The seam to the pick-slip orchestration (issue 5): once the outcome of a pick slip's delivery to a WMS
/// instance is known, one message on the storage queue <c>PICKSLIP_EVENTS_QUEUE</c> (JSON, base64 as the host's
/// queue trigger expects). Delivery is at least once: the consumer de-duplicates on <see cref="HandOffId"/>,
/// which is the same however often the hand-off is repeated. <see cref="ShipTo"/> is personal data: store and
/// use it, never log it.
/// </summary>
public sealed record PickSlipHandedOff(
    [property: JsonPropertyName("handOffId")] string HandOffId,
    [property: JsonPropertyName("tenant")] string Tenant,
    [property: JsonPropertyName("instance")] string Instance,
    [property: JsonPropertyName("pickSlipId")] string PickSlipId,
    [property: JsonPropertyName("orderId")] string OrderId,
    /// <summary>generated, reprint or voided.</summary>
    [property: JsonPropertyName("kind")] string Kind,
    /// <summary>sent (the WMS accepted it), refused (the WMS said no; a failed sync holds why) or failed (never delivered: unmapped code, credentials, or unreachable until the last delivery).</summary>
    [property: JsonPropertyName("delivery")] string Delivery,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("warehouse")] string Warehouse,
    [property: JsonPropertyName("carrier")] string? Carrier,
    [property: JsonPropertyName("service")] string? Service,
    [property: JsonPropertyName("shipTo")] PickSlipShipTo? ShipTo,
    [property: JsonPropertyName("lines")] IReadOnlyList<PickSlipHandOffLine> Lines,
    [property: JsonPropertyName("omsMessageId")] string OmsMessageId,
    [property: JsonPropertyName("omsVersion")] long OmsVersion,
    [property: JsonPropertyName("correlationId")] string? CorrelationId,
    [property: JsonPropertyName("at")] DateTimeOffset At)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static PickSlipHandedOff? Parse(string json) => JsonSerializer.Deserialize<PickSlipHandedOff>(json, Json);
}

public sealed record PickSlipShipTo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("company")] string? Company,
    [property: JsonPropertyName("line1")] string Line1,
    [property: JsonPropertyName("line2")] string? Line2,
    [property: JsonPropertyName("city")] string City,
    [property: JsonPropertyName("region")] string? Region,
    [property: JsonPropertyName("postalCode")] string PostalCode,
    [property: JsonPropertyName("country")] string Country,
    [property: JsonPropertyName("phone")] string? Phone);

/// <summary>
/// A line in the OMS's terms (OMS SKU and unit), with <see cref="WmsQuantity"/>: the quantity as the WMS received it
/// (in eaches for an instance that counts eaches), which is what its pick confirmations will report.
/// </summary>
public sealed record PickSlipHandOffLine(
    [property: JsonPropertyName("lineNumber")] int LineNumber,
    [property: JsonPropertyName("sku")] string Sku,
    [property: JsonPropertyName("quantity")] long Quantity,
    [property: JsonPropertyName("unitOfMeasure")] string UnitOfMeasure,
    [property: JsonPropertyName("backordered")] bool Backordered,
    [property: JsonPropertyName("wmsQuantity")] long WmsQuantity);

/// <summary>Puts <see cref="PickSlipHandedOff"/> messages on the pick-slip events queue.</summary>
public sealed class PickSlipHandOff(HubStorage storage, IOptions<OutboundDeliveryOptions> options)
{
    public string QueueName => options.Value.PickSlipEventsQueue;

    public async Task SendAsync(PickSlipHandedOff handOff, CancellationToken cancellationToken)
    {
        var queue = await storage.QueueAsync(QueueName, cancellationToken).ConfigureAwait(false);
        await queue.SendMessageAsync(
            TraceContext.Stamp(JsonSerializer.Serialize(handOff, PickSlipHandedOff.Json)), visibilityTimeout: null, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken).ConfigureAwait(false);
    }

    public static string DeliveryName(DeliveryResult result) => result switch
    {
        DeliveryResult.Sent => "sent",
        DeliveryResult.Refused => "refused",
        _ => "failed",
    };
}
