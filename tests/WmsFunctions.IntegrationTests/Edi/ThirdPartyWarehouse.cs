using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Edi;
using WmsFunctions.Edi.Documents;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Gs1;
using WmsFunctions.Handler;
using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.LocalHost;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Pipeline.Webhooks;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Edi;

/// <summary>
/// The hub with a 3PL that speaks only X12: acme/tpl (Adapter x12), played by a loopback HTTP server that receives
/// the hub's 940s and 943s, and that posts its own interchanges (written with its own writer, its own delimiters
/// <c>* &gt; ~</c>) to the hub's x12 webhook through the host-forwarded path, signed with Standard Webhooks.
/// The hub writes to the 3PL with other delimiters (<c>| } !</c> and a line feed), as its partner settings say.
/// acme/tpl: TPL-1 -> DC1 (GLN <see cref="Gln"/>, also the default location); SKU 100234 has the GTIN-12 alias
/// <see cref="Upc"/>; 100235 goes by its own code; W19 reasons AU -> DMG, 07 -> CYCLE.
/// </summary>
public sealed class ThirdPartyWarehouse : IAsyncDisposable
{
    public const string SecretSetting = "WMS_ACME_TPL_SECRET";
    public const string ApiKeySetting = "WMS_ACME_TPL_KEY";
    public const string HubId = "WMSHUB";
    public const string PartnerId = "TPL3PL";
    public const string Webhook = "/api/wms/acme/tpl/x12";

    public static readonly string Upc = Gs1Identifiers.WithCheckDigit("03600029145");

    public static readonly string Gln = Gs1Identifiers.WithCheckDigit("061414100001");

    private int _webhooks;

    private ThirdPartyWarehouse(HubTestHost hub, LoopbackWms wms, string secret)
    {
        Hub = hub;
        Wms = wms;
        Secret = secret;
    }

    public HubTestHost Hub { get; }

    public LoopbackWms Wms { get; }

    public string Secret { get; }

    /// <summary>How the 3PL speaks: it is the sender, the hub the receiver; the usual delimiters.</summary>
    public X12PartnerOptions Own { get; } = new()
    {
        Name = "tpl-side",
        OwnQualifier = "ZZ",
        OwnId = PartnerId,
        PartnerQualifier = "ZZ",
        PartnerId = HubId,
    };

    /// <summary>The 3PL's own control numbers (it keeps them, not the hub).</summary>
    public InMemoryControlNumbers ControlNumbers { get; } = new(700);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<ThirdPartyWarehouse> StartAsync(AzuriteFixture azurite, Action<Dictionary<string, string?>>? settings = null)
    {
        var wms = await LoopbackWms.StartAsync("tpl");
        var secret = StandardWebhooks.NewSecret();
        var hub = await HubTestHost.StartAsync(azurite, configure: values =>
        {
            const string T = "Hub:Tenants:acme:Instances:tpl:";
            values[T + "Adapter"] = "x12";
            values[T + "Auth:Scheme"] = "StandardWebhooks";
            values[T + "Auth:SecretSettings:0"] = SecretSetting;
            values[SecretSetting] = secret;
            values[T + "Locations:TPL-1"] = "DC1";
            values[T + "SkuAliases:" + Upc] = "100234";
            values[T + "Outbound:BaseUrl"] = wms.BaseUrl;
            values[T + "Outbound:Auth:Scheme"] = "ApiKey";
            values[T + "Outbound:Auth:ApiKeySetting"] = ApiKeySetting;
            values[ApiKeySetting] = "tpl-key-" + Guid.NewGuid().ToString("N");
            values[T + "Outbound:Flows:0"] = "pick-slips";
            values[T + "Outbound:Flows:1"] = "purchase-orders";
            values[T + "Outbound:Flows:2"] = "return-authorizations";
            values[T + "Outbound:Warehouses:DC1"] = "TPL-1";
            values[T + "Outbound:Units:EA"] = "EA";
            values[T + "Outbound:Carriers:UPS"] = "UPSN";
            values[T + "Outbound:Services:GROUND"] = "GROUND";
            values[T + "Outbound:Resilience:MaxRetryAttempts"] = "1";
            values[T + "Outbound:Resilience:BaseDelay"] = "00:00:00.010";
            values[T + "Outbound:Resilience:MaxDelay"] = "00:00:00.020";
            values[T + "X12:OwnId"] = HubId;
            values[T + "X12:PartnerId"] = PartnerId;
            values[T + "X12:ElementSeparator"] = "|";
            values[T + "X12:ComponentSeparator"] = "}";
            values[T + "X12:SegmentTerminator"] = "!";
            values[T + "X12:LineBreak"] = "lf";
            values[T + "X12:GlnLocations:" + Gln] = "TPL-1";
            values[T + "X12:DefaultLocation"] = "TPL-1";
            values[T + "X12:AdjustmentReasons:AU"] = "DMG";
            values[T + "X12:AdjustmentReasons:07"] = "CYCLE";
            values[T + "X12:IgnoredSegments:0"] = "NTE";
            settings?.Invoke(values);
        });
        await hub.SeedItemsAsync("acme", "100234", "100235");
        return new ThirdPartyWarehouse(hub, wms, secret);
    }

    /// <summary>The 3PL writes documents as one interchange (one functional group per kind).</summary>
    public async Task<X12Outbound> WriteAsync(params IX12Document[] documents) =>
        await new X12Writer(Own, TimeProvider.System, ControlNumbers).WriteAsync(documents, Ct);

    /// <summary>Posts an interchange to the hub's x12 webhook as the host forwards it, signed with the instance's secret.</summary>
    public Task<HttpResponseMessage> PostAsync(string interchange, string? webhookId = null, string contentType = "application/edi-x12")
    {
        var id = webhookId ?? "msg_" + Interlocked.Increment(ref _webhooks) + "_" + Guid.NewGuid().ToString("N")[..8];
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(StandardWebhooks.TryParseSecret(Secret, out var key));
        var signature = StandardWebhooks.Sign(key, id, timestamp, Encoding.UTF8.GetBytes(interchange));
        return Hub.PostAsync(Webhook, interchange,
            [(StandardWebhooks.IdHeader, id), (StandardWebhooks.TimestampHeader, timestamp), (StandardWebhooks.SignatureHeader, signature)], contentType);
    }

    /// <summary>Reads what the hub sent (or answered) as the 3PL would: strictly, from the hub to the 3PL.</summary>
    public X12Interchange Read(string interchange) => new X12Reader(Own).Read(interchange);

    /// <summary>The interchanges the 3PL received from the hub.</summary>
    public IReadOnlyList<RecordedRequest> Received => Wms.To("/x12");

    /// <summary>The OMS sends a CloudEvent to the flow's topic; the host delivers it once.</summary>
    public async Task<InvocationRecord> OmsSendsAsync(string function, string type, string id, object data)
    {
        var trigger = (ServiceBusTrigger)FunctionCatalog.All.Single(f => f.Name == function).Trigger;
        await Hub.ServiceBus.SendAsync(trigger.TopicName!, OutboundHub.CloudEvent(type, id, data), Ct);
        return Assert.Single(await Hub.Functions.ReceiveOnceAsync(function, Ct));
    }

    /// <summary>Runs the pick-slip hand-off queue (the orchestration learns what was sent).</summary>
    public async Task HandOffAsync()
    {
        var invocations = await Hub.Functions.DrainAsync("PickSlipHandOff", Ct);
        Assert.All(invocations, i => Assert.Equal(200, i.Status));
    }

    public async Task<IReadOnlyList<JsonElement>> PublishedAsync() =>
        (await Hub.RelayAsync()).Select(e => JsonDocument.Parse(e).RootElement).ToList();

    public async Task<long?> OnHandAsync(string sku, string warehouse = "DC1") =>
        (await Hub.Services.GetRequiredService<StockLedger>().GetSnapshotAsync("acme", warehouse, sku, Ct))?.OnHand;

    public async Task<IReadOnlyList<FailedSyncEntity>> FailedSyncsAsync(string? flow = null) =>
        await Hub.Services.GetRequiredService<FailedSyncStore>().QueryAsync(new FailedSyncQuery("acme", "tpl", flow), Ct);

    public async Task<int> InboxRowsAsync() => (await Hub.RowsAsync(HubTable.Inbox)).Count;

    public async ValueTask DisposeAsync()
    {
        await Hub.DisposeAsync();
        await Wms.DisposeAsync();
    }
}
