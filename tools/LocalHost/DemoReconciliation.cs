using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Flows.Reconciliation;

namespace WmsFunctions.LocalHost;

/// <summary>
/// The demo's reconciliation: what the stand-in dc-east says it holds (it knows 100234 as TSHIRT-RED-M), one run
/// started as an operator would, run by the host stand-in's queue trigger, and its report.
/// </summary>
internal static class DemoReconciliation
{
    /// <summary>The stand-in's stock listing (facility EAST: DC-EAST, EAST-QA: DC-EAST-QA).</summary>
    public static readonly StockListing Stock = (tenant, instance, facility, start, limit) =>
    {
        StockListingRow[] rows = (tenant, instance, facility) switch
        {
            ("demo", "dc-east", "EAST") =>
            [
                new("NOT-IN-HUB", "EAST-A1", 2), // nobody told the hub about it
                new("TSHIRT-RED-M", "EAST-A1", 30),
                new("TSHIRT-RED-M", "EAST-A2", 21),
                new("TSHIRT-RED-M", "EAST-Z9", 1), // a location the hub does not map
            ],
            ("demo", "dc-east", "EAST-QA") => [new("TSHIRT-RED-M", "EAST-QA", 4)],
            _ => [],
        };
        return (rows.Skip(start).Take(limit).ToArray(), start + limit < rows.Length);
    };

    public static async Task<bool> RunAsync(IServiceProvider services, string tenant, string instance, CancellationToken cancellationToken)
    {
        Console.WriteLine($"{Environment.NewLine}== Reconciliation of {tenant}/{instance} (the WMS's stock listing vs the hub's snapshot)");
        var store = services.GetRequiredService<ReconciliationStore>();
        var run = await services.GetRequiredService<ReconciliationScheduler>().StartAsync(tenant, instance, ReconciliationScheduler.OperatorTrigger, "demo", cancellationToken);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (!run.Status.IsFinal() && run.Status != RunStatus.Failed && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(250, cancellationToken);
            run = (await store.GetAsync(tenant, run.RunId, cancellationToken))!;
        }

        Console.WriteLine($"  run {run.RunId}: {run.StatusName}{(run.Error is null ? "" : " (" + run.Error + ")")}; {run.Pages} pages, {run.Compared} compared, " +
            $"{run.Equal} equal, {run.Different} different ({run.OnlyInWms} only in the WMS, {run.OnlyInHub} only in the hub), {run.Flagged} flagged, " +
            $"{run.Corrected} corrected, {run.Unmapped} unmapped; OMS figures: {run.OmsFigures}");
        await foreach (var row in store.RowsAsync(tenant, run, cancellationToken))
        {
            Console.WriteLine(row.Kind == "unmapped"
                ? $"  {row.Kind,-12} {row.WmsSku}@{row.WmsLocation} x{row.WmsOnHand}: {row.Reason}"
                : $"  {row.Kind,-12} {row.Warehouse}/{row.Sku} {row.Area}: hub {row.HubOnHand?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} " +
                  $"(in flight {row.InFlight}), WMS {row.WmsOnHand?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, difference {row.Difference}{(row.Flagged ? ", flagged" : "")}");
        }

        Console.WriteLine($"  the report: GET /api/ops/{tenant}/reconciliation/runs/{run.RunId}[?format=csv] (operator key)");
        return run.Status == RunStatus.Completed;
    }
}
