using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using WmsFunctions.Flows.Channels;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Platform.Telemetry;

namespace WmsFunctions.Adapters.ChannelAdvisor;

/// <summary>
/// A marketplace hub in the style of ChannelAdvisor's REST API (v1, OData): orders by <c>UpdatedDateUtc</c> with an
/// OData <c>$filter</c> and <c>@odata.nextLink</c> paging, shipments per order (<c>POST Orders({id})/Ship</c>), stock per
/// product and distribution centre (<c>POST Products({id})/UpdateQuantity</c>, Relative or Absolute), products by SKU.
/// Every call goes through the channel's resilience pipeline (the WMS one: Retry-After honoured on 429/503, backoff
/// with jitter, circuit breaker, timeouts) and a per-channel concurrency cap, with the access token from settings.
/// </summary>
public sealed class ChannelAdvisorAdapter(IHttpClientFactory httpClients, WmsResilience resilience, IConfiguration configuration) : IMarketplaceAdapter
{
    public const string AdapterName = "channeladvisor";

    public const string HttpClientName = "marketplace";

    private readonly ConcurrentDictionary<string, ResiliencePipeline<HttpResponseMessage>> _pipelines = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    public string Name => AdapterName;

    public async Task<MarketplaceOrderPage> PullOrdersAsync(Channel channel, DateTimeOffset updatedSince, string? nextLink, CancellationToken cancellationToken)
    {
        Uri url;
        if (nextLink is null)
        {
            var query = $"$filter={Uri.EscapeDataString(OrderFilter(channel.Options.Orders, updatedSince))}&$expand=Items($expand=BundleComponents)" +
                $"&$orderby=UpdatedDateUtc%20asc&$top={channel.Options.Orders.PageSize.ToString(CultureInfo.InvariantCulture)}";
            url = new Uri(Root(channel), "v1/Orders?" + query);
        }
        else
        {
            // Follow the marketplace's link only to the marketplace itself: the token must never travel elsewhere.
            url = new Uri(nextLink, UriKind.Absolute);
            if (!Root(channel).IsBaseOf(url))
            {
                throw new MarketplaceRefusedException(0, $"@odata.nextLink points outside the marketplace ({url.Host}).");
            }
        }

        var json = await SendAsync(channel, HttpMethod.Get, url, null, cancellationToken).ConfigureAwait(false);
        var root = JsonNode.Parse(json)!.AsObject();
        var orders = (root["value"]?.AsArray() ?? []).Select(o => ReadOrder(o!.AsObject())).ToList();
        return new MarketplaceOrderPage(orders, root["@odata.nextLink"]?.GetValue<string>());
    }

    public Task ReportShipmentAsync(Channel channel, MarketplaceShipment shipment, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["Value"] = new JsonObject
            {
                ["ShippedDateUtc"] = shipment.ShippedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                ["CarrierName"] = shipment.Carrier,
                ["ClassName"] = shipment.ShippingClass,
                ["TrackingNumber"] = shipment.TrackingNumber,
                ["DistributionCenterID"] = IdValue(shipment.DistributionCenter),
                ["DeliveryStatus"] = "Complete",
                ["Items"] = new JsonArray(shipment.Items.Select(i => (JsonNode)new JsonObject
                {
                    ["OrderItemID"] = IdValue(i.OrderItemId),
                    ["Quantity"] = i.Quantity,
                }).ToArray()),
            },
        };
        return SendAsync(channel, HttpMethod.Post, new Uri(Root(channel), $"v1/Orders({Uri.EscapeDataString(shipment.OrderId)})/Ship"), body.ToJsonString(), cancellationToken);
    }

    public Task UpdateStockAsync(Channel channel, string productId, StockUpdateType type, IReadOnlyList<DcQuantity> updates, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["Value"] = new JsonObject
            {
                ["UpdateType"] = type.ToString(),
                ["Updates"] = new JsonArray(updates.Select(u => (JsonNode)new JsonObject
                {
                    ["DistributionCenterID"] = IdValue(u.DistributionCenter),
                    ["Quantity"] = u.Quantity,
                }).ToArray()),
            },
        };
        return SendAsync(channel, HttpMethod.Post, new Uri(Root(channel), $"v1/Products({Uri.EscapeDataString(productId)})/UpdateQuantity"), body.ToJsonString(), cancellationToken);
    }

    public async Task<IReadOnlyList<string>> FindProductIdsAsync(Channel channel, string sku, CancellationToken cancellationToken)
    {
        var filter = Uri.EscapeDataString($"Sku eq {Literal(sku)}");
        var json = await SendAsync(channel, HttpMethod.Get, new Uri(Root(channel), $"v1/Products?$filter={filter}&$select=ID,Sku"), null, cancellationToken).ConfigureAwait(false);
        return (JsonNode.Parse(json)!["value"]?.AsArray() ?? []).Select(p => Text(p!["ID"])!).Where(id => id.Length > 0).ToList();
    }

    public MarketplaceOrder ReadPushedOrder(ReadOnlySpan<byte> body)
    {
        try
        {
            return ReadOrder(JsonNode.Parse(body) as JsonObject ?? throw new JsonException("The body must be an order object."));
        }
        catch (Exception error) when (error is InvalidOperationException or FormatException or NullReferenceException or KeyNotFoundException)
        {
            throw new JsonException($"The order is not readable: {error.Message}", error);
        }
    }

    /// <summary>The OData $filter of an order pull: updated since, then the channel's filters.</summary>
    public static string OrderFilter(ChannelOrderOptions options, DateTimeOffset updatedSince)
    {
        var parts = new List<string> { $"UpdatedDateUtc ge {updatedSince.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)}" };
        if (options.ProfileIds.Count > 0)
        {
            parts.Add("(" + string.Join(" or ", options.ProfileIds.Select(p => $"ProfileID eq {p.ToString(CultureInfo.InvariantCulture)}")) + ")");
        }

        if (options.ShippingStatus is { } shipping)
        {
            parts.Add($"ShippingStatus eq {Literal(shipping)}");
        }

        if (options.PaymentStatus is { } payment)
        {
            parts.Add($"PaymentStatus eq {Literal(payment)}");
        }

        if (options.DistributionCenter is { } dc)
        {
            parts.Add($"DistributionCenterID eq {(long.TryParse(dc, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? dc : Literal(dc))}");
        }

        return string.Join(" and ", parts);
    }

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static Uri Root(Channel channel) => new(channel.Options.BaseUrl.TrimEnd('/') + "/");

    private static JsonValue? IdValue(string? id) =>
        id is null ? null : long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number) : JsonValue.Create(id);

    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<long>(out var l) => l.ToString(CultureInfo.InvariantCulture),
        _ => node.ToJsonString(),
    };

    private static MarketplaceOrder ReadOrder(JsonObject o)
    {
        var items = (o["Items"]?.AsArray() ?? []).Select(i => i!.AsObject()).Select(i => new MarketplaceOrderItem(
            Text(i["ID"]) ?? throw new JsonException("An order item has no ID."),
            Text(i["Sku"]) ?? throw new JsonException("An order item has no Sku."),
            i["Quantity"]?.GetValue<long>() ?? 0,
            i["UnitPrice"]?.GetValue<decimal>(),
            i["IsBundle"]?.GetValue<bool>() ?? false,
            (i["BundleComponents"]?.AsArray() ?? []).Select(c => new BundleComponent(Text(c!["Sku"])!, c["Quantity"]?.GetValue<long>() ?? 1)).ToList())).ToList();
        var flag = o["FlagID"]?.GetValue<long>() ?? 0;
        return new MarketplaceOrder(
            Text(o["ID"]) ?? throw new JsonException("An order has no ID."),
            o["ProfileID"]?.GetValue<long>(),
            Text(o["SiteOrderID"]),
            o["CreatedDateUtc"]?.GetValue<DateTimeOffset>() ?? throw new JsonException("An order has no CreatedDateUtc."),
            o["UpdatedDateUtc"]?.GetValue<DateTimeOffset>() ?? throw new JsonException("An order has no UpdatedDateUtc."),
            Text(o["PaymentStatus"]),
            Text(o["ShippingStatus"]),
            Text(o["DistributionCenterID"]),
            flag != 0,
            flag != 0 ? Text(o["FlagDescription"]) ?? "flagged" : null,
            new MarketplaceAddress(
                string.Join(' ', new[] { Text(o["ShippingFirstName"]), Text(o["ShippingLastName"]) }.Where(s => !string.IsNullOrEmpty(s))),
                Text(o["ShippingAddressLine1"]), Text(o["ShippingAddressLine2"]), Text(o["ShippingCity"]), Text(o["ShippingStateOrProvince"]),
                Text(o["ShippingPostalCode"]), Text(o["ShippingCountry"])),
            Text(o["RequestedShippingCarrier"]),
            Text(o["RequestedShippingClass"]),
            items);
    }

    private async Task<string> SendAsync(Channel channel, HttpMethod method, Uri url, string? body, CancellationToken cancellationToken)
    {
        var token = configuration[channel.Options.AccessTokenSetting]
            ?? throw new InvalidOperationException($"The access token setting of channel {channel.Key} is not set.");
        // Its circuit reports to the partner circuit gauge as instance "channel:{id}", the name its failed syncs carry.
        var pipeline = _pipelines.GetOrAdd(channel.Key, static (_, state) => state.Resilience.Build(state.Channel.Tenant, state.Channel.InstanceName, state.Channel.Options.Resilience), (Resilience: resilience, Channel: channel));
        var gate = _gates.GetOrAdd(channel.Key, _ => new SemaphoreSlim(channel.Options.MaxConcurrency));
        var request = new Request(httpClients.CreateClient(HttpClientName), method, url, body, token);

        // One span per marketplace call (retries included), named by method and the last path segment (Orders, Ship, ...).
        using var span = HubTelemetry.Start($"channel {method.Method} {url.Segments[^1].Split('(')[0]}");
        span?.SetTag("channel", channel.Key);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        HttpResponseMessage response;
        try
        {
            response = await pipeline.ExecuteAsync(static async (r, ct) => await r.SendOnceAsync(ct).ConfigureAwait(false), request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is BrokenCircuitException or TimeoutRejectedException or HttpRequestException)
        {
            span.Fail(failure);
            throw new MarketplaceUnavailableException($"Marketplace of channel {channel.Key} is unavailable ({failure.GetType().Name}).", failure);
        }
        finally
        {
            gate.Release();
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            span?.SetTag("http.response.status_code", status);
            return status switch
            {
                >= 200 and < 300 => text,
                408 or 429 or >= 500 => throw new MarketplaceUnavailableException($"Marketplace of channel {channel.Key} answered {status}."),
                _ => throw new MarketplaceRefusedException(status, WmsClient.Excerpt(text)),
            };
        }
    }

    private sealed record Request(HttpClient Client, HttpMethod Method, Uri Url, string? Body, string Token)
    {
        public async Task<HttpResponseMessage> SendOnceAsync(CancellationToken cancellationToken)
        {
            using var message = new HttpRequestMessage(Method, Url);
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (Body is not null)
            {
                message.Content = new StringContent(Body, Encoding.UTF8, "application/json");
            }

            return await Client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
    }
}
