using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using WmsFunctions.Flows.Reconciliation;
using WmsFunctions.Handler.Http;
using WmsFunctions.Handler.Operations;
using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Json;
using WmsFunctions.Platform.Problems;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Handler.Reconciliation;

/// <summary>Operators: start a reconciliation run, list runs, download a run's discrepancy report (JSON or CSV).</summary>
public static class ReconciliationApi
{
    public const int MaxTake = 100;

    public const string CsvMediaType = "text/csv";

    /// <summary>Body of <c>POST ops/{tenant}/reconciliation/runs</c>.</summary>
    public sealed record StartRunRequest(string? Instance);

    [EndpointSummary("Start a reconciliation run")]
    [EndpointDescription(
        "Body {\"instance\": \"east\"}: queues one reconciliation of that WMS instance (the same message the timer sends) and answers 202 " +
        "with the run and its Location. The run pulls the WMS's stock, compares it with the hub's snapshot per warehouse, area and SKU " +
        "(movements after the WMS's as-of are taken off), reports every difference, flags those beyond the instance's tolerance and, for a " +
        "WMS configured TrustWms, corrects them. The request is audited with the operator's identity.")]
    [ProducesResponseType(typeof(ReconciliationRunView), StatusCodes.Status202Accepted, "application/json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> StartAsync(
        string tenant, HttpContext context, TenantDirectory tenants, ReconciliationScheduler scheduler, AuditLog audit, TimeProvider time)
    {
        var actor = context.AuthenticatedOperator().Actor;

        // Unlike the other operator bodies, any Content-Type: the run start has never looked at it (the documented call
        // is a bare {"instance": ...}), and refusing one without it now would break scripts that work today.
        var (request, problem) = await OperatorRequests.ReadAsync<StartRunRequest>(context, anyContentType: true).ConfigureAwait(false);
        if (problem is not null)
        {
            return ProblemResults.For(problem, context);
        }

        if (!Codes.IsValid(request!.Instance))
        {
            return ProblemResults.InvalidRequest(new Dictionary<string, string[]>(StringComparer.Ordinal) { ["instance"] = ["Required: the WMS instance to reconcile."] }, context);
        }

        if (!tenants.TryGet(tenant, request.Instance!, out _))
        {
            return ProblemResults.For(new Problem("unknown-instance", 404, "Unknown WMS instance", $"Tenant '{tenant}' has no WMS instance '{request.Instance}'."), context);
        }

        var run = await scheduler.StartAsync(tenant, request.Instance!, ReconciliationScheduler.OperatorTrigger, actor, context.RequestAborted).ConfigureAwait(false);
        await audit.WriteAsync(
            new AuditEntry(tenant, run.RequestedAt, ReconciliationCorrectionFlow.FlowName, "requested", Instance: run.Instance, EntityType: "reconciliation-run",
                EntityId: run.RunId, CorrelationId: run.RunId, Summary: $"reconciliation requested by {actor}", Actor: actor),
            $"{run.RunId}|requested",
            context.RequestAborted).ConfigureAwait(false);
        var location = $"/{FunctionCatalog.RoutePrefix}/ops/{Uri.EscapeDataString(tenant)}/reconciliation/runs/{run.RunId}";
        return TypedResults.Accepted(location, ReconciliationRunView.Of(run));
    }

    [EndpointSummary("Reconciliation runs, latest first")]
    [EndpointDescription("Query: instance (optional), take (1-100, default 20). Each run with its status and counts.")]
    [ProducesResponseType(typeof(ReconciliationRunListing), StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> ListAsync(string tenant, HttpContext context, ReconciliationStore store)
    {
        var query = context.Request.Query;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var instance = query["instance"].FirstOrDefault();
        if (instance is not null && !Codes.IsValid(instance))
        {
            errors["instance"] = ["A WMS instance id."];
        }

        var take = OperatorQuery.Take(query, errors, fallback: 20, MaxTake);

        if (errors.Count > 0)
        {
            return ProblemResults.InvalidQuery(errors, context);
        }

        var runs = await store.ListAsync(tenant, instance, take, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Json(new ReconciliationRunListing(runs.Select(ReconciliationRunView.Of).ToArray()));
    }

    [EndpointSummary("One reconciliation run's discrepancy report (JSON or CSV)")]
    [EndpointDescription(
        "The run's header and counts, and one row per difference (hub figure, in-flight quantity, hub at the WMS's as-of, WMS figure, OMS " +
        "figure where the OMS exposes it, flagged, corrected, the SKU's last movements) or WMS row the hub could not map. As CSV (one line per " +
        "row, RFC 4180) with ?format=csv or Accept: text/csv. Streamed: a report of 100,000 rows is never held in memory.")]
    [ProducesResponseType(typeof(ReconciliationReportView), StatusCodes.Status200OK, "application/json", CsvMediaType)]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> GetAsync(string tenant, string runId, HttpContext context, ReconciliationStore store)
    {
        var format = context.Request.Query["format"].FirstOrDefault();
        if (format is not (null or "json" or "csv"))
        {
            return ProblemResults.InvalidQuery(new Dictionary<string, string[]> { ["format"] = ["json or csv."] }, context);
        }

        var run = ReconciliationStore.IsRunId(runId) ? await store.GetAsync(tenant, runId, context.RequestAborted).ConfigureAwait(false) : null;
        if (run is null)
        {
            return ProblemResults.For(new Problem("reconciliation-run-not-found", 404, "Reconciliation run not found", $"Tenant '{tenant}' has no reconciliation run '{runId}'."), context);
        }

        var csv = format == "csv" || (format is null && context.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(CsvMediaType, StringComparison.OrdinalIgnoreCase)));
        return csv ? new CsvReport(run, store.RowsAsync(tenant, run, context.RequestAborted)) : new JsonReport(run, store.RowsAsync(tenant, run, context.RequestAborted));
    }

    /// <summary>Writes <c>{"run": ..., "rows": [...]}</c> row by row, flushing every batch.</summary>
    private sealed class JsonReport(ReconciliationRunEntity run, IAsyncEnumerable<ReconciliationRowEntity> rows) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json; charset=utf-8";
            // Over the PipeWriter: the serializer's Flush only commits to the pipe, the network write is the awaited FlushAsync.
            var pipe = context.Response.BodyWriter;
            await using var json = new Utf8JsonWriter(pipe);
            json.WriteStartObject();
            json.WritePropertyName("run");
            JsonSerializer.Serialize(json, ReconciliationRunView.Of(run), ReportJson.Options);
            json.WriteStartArray("rows");
            var count = 0;
            await foreach (var row in rows.ConfigureAwait(false))
            {
                JsonSerializer.Serialize(json, ReconciliationRowView.Of(row), ReportJson.Options);
                if (++count % 100 == 0)
                {
                    await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                    await pipe.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
            await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            await pipe.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>RFC 4180: a header line, then one line per row; fields with a comma, quote or line break are quoted.</summary>
    private sealed class CsvReport(ReconciliationRunEntity run, IAsyncEnumerable<ReconciliationRowEntity> rows) : IResult
    {
        public static readonly string[] Columns =
        [
            "runId", "instance", "kind", "warehouse", "area", "sku", "wmsSku", "wmsLocation", "hubOnHand", "inFlight", "hubAtAsOf", "wmsOnHand",
            "omsOnHand", "difference", "flagged", "corrected", "correctionEventId", "reason", "asOf", "movements",
        ];

        public async Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = CsvMediaType + "; charset=utf-8; header=present";
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"reconciliation-{run.Instance}-{run.RunId}.csv\"";
            await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false), 16 * 1024);
            writer.NewLine = "\r\n";
            await writer.WriteLineAsync(string.Join(',', Columns)).ConfigureAwait(false);
            var count = 0;
            await foreach (var row in rows.ConfigureAwait(false))
            {
                await writer.WriteLineAsync(Line(run, row)).ConfigureAwait(false);
                if (++count % 100 == 0)
                {
                    await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                }
            }

            await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }

        private static string Line(ReconciliationRunEntity run, ReconciliationRowEntity row) => string.Join(',', new[]
        {
            run.RunId, run.Instance, row.Kind, row.Warehouse, row.Area, row.Sku, row.WmsSku, row.WmsLocation, Number(row.HubOnHand), Number(row.InFlight),
            Number(row.HubAtAsOf), Number(row.WmsOnHand), Number(row.OmsOnHand), Number(row.Difference), row.Flagged ? "true" : "false",
            row.Corrected ? "true" : "false", row.CorrectionEventId, row.Reason, row.AsOf.ToString("O", CultureInfo.InvariantCulture), row.Movements,
        }.Select(Field));

        private static string? Number(long? value) => value?.ToString(CultureInfo.InvariantCulture);

        public static string Field(string? value) =>
            value is null ? ""
            : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }
}

internal static class ReportJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}

/// <summary>A reconciliation run as operators see it.</summary>
public sealed record ReconciliationRunView(
    string RunId,
    string Tenant,
    string Instance,
    string Status,
    string Trigger,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    int Attempt,
    DateTimeOffset? AsOf,
    bool TrustWms,
    long ToleranceUnits,
    double TolerancePercent,
    string OmsFigures,
    string? Error,
    ReconciliationCounts Counts)
{
    public static ReconciliationRunView Of(ReconciliationRunEntity run) => new(
        run.RunId, run.Tenant, run.Instance, run.StatusName, run.Trigger, run.RequestedBy, run.RequestedAt, run.StartedAt, run.FinishedAt, run.Attempt,
        run.AsOf, run.TrustWms, run.ToleranceUnits, run.TolerancePercent, run.OmsFigures, run.Error,
        new ReconciliationCounts(run.Pages, run.Compared, run.Equal, run.Different, run.Flagged, run.Corrected, run.Unmapped, run.OnlyInWms, run.OnlyInHub, run.Rows));
}

/// <summary>A run's counts: different includes the ones only in the WMS or only in the hub.</summary>
public sealed record ReconciliationCounts(
    long Pages, long Compared, long Equal, long Different, long Flagged, long Corrected, long Unmapped, long OnlyInWms, long OnlyInHub, long Rows);

public sealed record ReconciliationRunListing(IReadOnlyList<ReconciliationRunView> Runs);

/// <summary>One line of a discrepancy report: a difference (kind different, only-in-wms, only-in-hub) or an unmapped WMS row.</summary>
public sealed record ReconciliationRowView(
    string Kind,
    string? Warehouse,
    string? Area,
    string? Sku,
    string? WmsSku,
    string? WmsLocation,
    long? HubOnHand,
    long InFlight,
    long? HubAtAsOf,
    long? WmsOnHand,
    long? OmsOnHand,
    long Difference,
    bool Flagged,
    bool Corrected,
    string? CorrectionEventId,
    string? Reason,
    DateTimeOffset AsOf,
    [property: JsonPropertyName("movements")] JsonElement? Movements)
{
    public static ReconciliationRowView Of(ReconciliationRowEntity row) => new(
        row.Kind, row.Warehouse, row.Area, row.Sku, row.WmsSku, row.WmsLocation, row.HubOnHand, row.InFlight, row.HubAtAsOf, row.WmsOnHand, row.OmsOnHand,
        row.Difference, row.Flagged, row.Corrected, row.CorrectionEventId, row.Reason, row.AsOf,
        row.Movements is null ? null : JsonDocument.Parse(row.Movements).RootElement.Clone());
}

/// <summary>The JSON report (documentation shape; the handler streams it).</summary>
public sealed record ReconciliationReportView(ReconciliationRunView Run, IReadOnlyList<ReconciliationRowView> Rows);
