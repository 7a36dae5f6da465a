using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Flows.Reconciliation;
using WmsFunctions.Flows.Stock;
using WmsFunctions.LocalHost;
using WmsFunctions.Pipeline.Webhooks;
using WmsFunctions.Platform.Storage;

/// <summary>
/// The reconciliation row: one instance (bench/recon, OMS warehouse W9 = WMS facility F9, one area R1) with N SKUs.
/// The hub's snapshot is seeded by 100-entity batches; the WMS stand-in generates its pages on the fly (1 % drift,
/// 0.1 % only in the hub, 0.1 % only in the WMS); the run goes through the host's queue-trigger payload. Memory is
/// sampled during the run: the peak managed heap must not grow with N.
/// </summary>
internal static class ReconciliationBench
{
    public const string Instance = "recon";
    private const string Warehouse = "W9";
    private const string Facility = "F9";
    private const string KeySetting = "WMS_BENCH_RECON_KEY";
    private const int PageSize = 1000;

    public static void Configure(Dictionary<string, string?> settings, int port)
    {
        var i = $"Hub:Tenants:bench:Instances:{Instance}:";
        settings[i + "Auth:ApiKeySha256:0"] = ApiKeys.Hash(ApiKeys.NewKey());
        settings[i + "Locations:R1"] = Warehouse;
        settings[i + "Adapter"] = "hub-json";
        settings[i + "Outbound:BaseUrl"] = $"http://127.0.0.1:{port}/wms/bench/{Instance}";
        settings[i + "Outbound:Auth:ApiKeySetting"] = KeySetting;
        settings[KeySetting] = ApiKeys.NewKey();
        settings[i + "Outbound:Warehouses:" + Warehouse] = Facility;
        settings[i + "Reconciliation:PageSize"] = PageSize.ToString(CultureInfo.InvariantCulture);
    }

    private static string Sku(int i) => "R-" + i.ToString("D6", CultureInfo.InvariantCulture);

    private static long Figure(int i) => 10 + (i % 7);

    private static bool OnlyInHub(int i) => i % 1000 == 1;

    private static bool OnlyInWms(int i) => i % 1000 == 2;

    private static bool Drifted(int i) => i % 100 == 0;

    /// <summary>The WMS side, generated page by page.</summary>
    public static StockListing Listing(int skus) => (_, _, facility, start, limit) =>
    {
        if (facility != Facility)
        {
            return ([], false);
        }

        var rows = new List<StockListingRow>(limit);
        var i = start;
        for (; i < skus && rows.Count < limit; i++)
        {
            rows.Add(new StockListingRow(Sku(i), "R1", OnlyInHub(i) ? 0 : Figure(i) + (Drifted(i) ? 1 : 0)));
        }

        // A SKU only in the hub is listed with 0 on hand here (a WMS that lists every SKU it knows); the hub sees a difference.
        return (rows, i < skus);
    };

    public static async Task<IReadOnlyList<Row>> RunAsync(WebApplication app, string appRoot, int skus, CountingPolicy handlerRequests)
    {
        var storage = app.Services.GetRequiredService<HubStorage>();
        var stock = await storage.TableAsync(HubTable.Stock, CancellationToken.None);
        var partition = StockSnapshotEntity.PartitionFor("bench", Warehouse);
        var seeded = Stopwatch.StartNew();
        var written = 0;
        var step = Math.Max(10_000, skus / 10);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, skus).Where(i => !OnlyInWms(i)).Chunk(100),
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (chunk, ct) =>
            {
                await stock.SubmitTransactionAsync(chunk.Select(i => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new StockSnapshotEntity
                {
                    PartitionKey = partition,
                    RowKey = StockSnapshotEntity.RowFor(Sku(i)),
                    Tenant = "bench",
                    Warehouse = Warehouse,
                    Sku = Sku(i),
                    OnHand = Figure(i),
                    Areas = $"{{\"{Instance}:R1\":{{\"onHand\":{Figure(i)}}}}}",
                    Version = 1,
                    UpdatedAt = DateTimeOffset.UtcNow.AddDays(-1),
                })), ct);

                // Azurite's in-memory insert scans the partition, so seeding slows as it grows; show it is moving.
                var total = Interlocked.Add(ref written, chunk.Length);
                if (total / step != (total - chunk.Length) / step)
                {
                    Console.WriteLine($"[reconciliation] seeding the snapshot: {total} rows in {seeded.Elapsed.TotalSeconds:0} s");
                }
            });
        seeded.Stop();

        // The run through the host's queue-trigger payload; no HTTP timeout, as the host's is the function timeout.
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = Timeout.InfiniteTimeSpan };
        var functions = new LocalFunctionsHost(FunctionApp.Load(appRoot, name => app.Configuration[name]), http, app.Services.GetRequiredService<StorageClients>().Queues,
            new ServiceBusStandIn(app.Services.GetRequiredService<StorageClients>().Queues, TimeProvider.System), TimeProvider.System);
        var run = await app.Services.GetRequiredService<ReconciliationScheduler>().StartAsync("bench", Instance, ReconciliationScheduler.OperatorTrigger, "bench", CancellationToken.None);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var heapBefore = GC.GetTotalMemory(false);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var requestsBefore = handlerRequests.Count;
        long peakHeap = heapBefore;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
                await Task.Delay(10, CancellationToken.None);
            }
        });
        var clock = Stopwatch.StartNew();
        var invocations = await functions.DrainAsync("ReconciliationRun", CancellationToken.None);
        clock.Stop();
        await sampling.CancelAsync();
        await sampler;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        var result = (await app.Services.GetRequiredService<ReconciliationStore>().GetAsync("bench", run.RunId, CancellationToken.None))!;
        var expectedDifferent = Enumerable.Range(0, skus).Count(i => Drifted(i) || OnlyInHub(i) || OnlyInWms(i));
        var failures = invocations.Count(i => i.Status != 200) + (result.Status == RunStatus.Completed ? 0 : 1)
            + (result.Compared == skus ? 0 : 1) + (result.Different == expectedDifferent ? 0 : 1);
        Console.WriteLine(
            $"[reconciliation] {skus} SKUs ({result.Pages} pages of {PageSize}): {clock.Elapsed.TotalSeconds:0.0} s, {skus / clock.Elapsed.TotalSeconds:0} SKUs/s; " +
            $"{result.Compared} compared, {result.Different} different ({expectedDifferent} expected), {result.Flagged} flagged; " +
            $"managed heap {heapBefore / 1048576.0:0.0} MB before, peak {peakHeap / 1048576.0:0.0} MB during the run; {allocated / 1048576.0:0} MB allocated " +
            $"({allocated / (double)skus:0} bytes/SKU); process peak working set {Environment.WorkingSet / 1048576.0:0} MB now, " +
            $"{Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MB peak; snapshot seeded in {seeded.Elapsed.TotalSeconds:0.0} s");
        return
        [
            new Row($"reconciliation, {skus} SKUs, pages of {PageSize} (SKUs/s)", skus, 1, skus / clock.Elapsed.TotalSeconds, null,
                (double)(handlerRequests.Count - requestsBefore) / skus, null, failures),
        ];
    }
}
