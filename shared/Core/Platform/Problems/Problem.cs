namespace WmsFunctions.Platform.Problems;

/// <summary>
/// Why a caller's request was refused, in the terms of RFC 9457. <see cref="Type"/> is a stable slug per kind
/// of error (the HTTP layer turns it into a URN); <see cref="Errors"/> lists field-level faults.
/// </summary>
public sealed record Problem(
    string Type,
    int Status,
    string Title,
    string Detail,
    IReadOnlyDictionary<string, string[]>? Errors = null,
    int? RetryAfterSeconds = null)
{
    public const string TypeUrnPrefix = "urn:wmsfunctions:problem:";

    public static Problem Unauthorized(string detail) =>
        new("unauthorized", 401, "The caller could not be authenticated", detail);

    public static Problem UnsupportedMediaType(string? contentType) =>
        new("unsupported-media-type", 415, "Unsupported media type", $"Send application/json, not '{contentType ?? "(none)"}'.");

    public static Problem PayloadTooLarge(long limit) =>
        new("payload-too-large", 413, "Payload too large", $"The body may hold at most {limit} bytes.");

    public static Problem MalformedJson(string detail) =>
        new("malformed-json", 400, "The body is not valid JSON for this event", detail);

    public static Problem InvalidEvent(IReadOnlyDictionary<string, string[]> errors) =>
        new("invalid-event", 400, "The event is invalid", "One or more fields are missing or out of range; see errors.", errors);

    public static Problem UnknownLocation(string location, string instance) =>
        new("unknown-location", 422, "Unknown location", $"Location '{location}' is not mapped for WMS instance '{instance}'.");

    public static Problem LocationNotAllowed(string location, string instance) =>
        new("location-not-allowed", 403, "Location not allowed", $"WMS instance '{instance}' may not post for location '{location}'.");

    public static Problem UnknownSku(string wmsSku, string omsSku) =>
        new("unknown-sku", 422, "Unknown SKU",
            wmsSku == omsSku ? $"SKU '{wmsSku}' is not a known item." : $"SKU '{wmsSku}' (OMS SKU '{omsSku}') is not a known item.");

    public static Problem PickSlipNotYetKnown(string pickSlipId, int retryAfterSeconds) =>
        new("pick-slip-not-yet-known", 503, "Pick slip not known yet",
            $"Pick slip '{pickSlipId}' has not reached the hub from the OMS yet; nothing was written. Retry later.",
            RetryAfterSeconds: retryAfterSeconds);

    public static Problem PickSlipNotYours(string pickSlipId, string instance) =>
        new("pick-slip-not-yours", 403, "Pick slip of another instance", $"Pick slip '{pickSlipId}' was not sent to WMS instance '{instance}'.");

    public static Problem WebhookIdReused(string webhookId) =>
        new("webhook-id-reused", 422, "Webhook id reused with a different body",
            $"webhook-id '{webhookId}' was already received with a different body; every new message needs a new webhook-id.");

    public static Problem DeliveryInProgress(string webhookId) =>
        new("delivery-in-progress", 409, "The same message is being handled",
            $"webhook-id '{webhookId}' is being handled by another request; retry in a few seconds for its answer.");

    public static Problem UnknownPurchaseOrder(string poNumber) =>
        new("unknown-purchase-order", 422, "Unknown purchase order", $"Purchase order '{poNumber}' is not known to the hub (the OMS has not sent it).");

    public static Problem UnknownPurchaseOrderLine(string poNumber, int lineNumber) =>
        new("unknown-purchase-order-line", 422, "Unknown purchase order line", $"Purchase order '{poNumber}' has no line {lineNumber}.");

    public static Problem SkuNotOnPurchaseOrderLine(string wmsSku, string omsSku, int lineNumber, string poNumber) =>
        new("sku-not-on-purchase-order-line", 422, "SKU is not the line's",
            $"Line {lineNumber} of purchase order '{poNumber}' is not for SKU '{wmsSku}'{(wmsSku == omsSku ? "" : $" (OMS SKU '{omsSku}')")}.");

    public static Problem PurchaseOrderNotAllowed(string poNumber, string instance) =>
        new("purchase-order-not-allowed", 403, "Purchase order not allowed",
            $"Purchase order '{poNumber}' is expected at a location WMS instance '{instance}' does not serve.");

    public static Problem EventIdReused(string eventId) =>
        new("event-id-reused", 422, "Event id reused with a different body",
            $"Event '{eventId}' was already received with different content; send a new event id for a new event.");
}
