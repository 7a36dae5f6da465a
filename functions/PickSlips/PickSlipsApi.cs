using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Handler.Http;
using WmsFunctions.Handler.Operations;
using WmsFunctions.Platform.Problems;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Handler.PickSlips;

/// <summary>The operators' view of the pick-slip orchestration (the WMS's confirmations come through the pick-confirmations webhook).</summary>
public static class PickSlipsApi
{
    public const int MaxTake = 200;

    /// <summary>One slip: its state and its whole history, enough to explain how it got there.</summary>
    [EndpointSummary("One pick slip with its history")]
    [EndpointDescription("The slip's state, lines (ordered, shipped, voided, backordered, open), cartons, tracking, deadlines, and every event it handled in order: who sent it, what it did and why.")]
    [ProducesResponseType(typeof(PickSlipWithHistory), StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> GetAsync(string tenant, string pickSlipId, HttpContext context, PickSlipOrchestrator slips)
    {
        // A pick slip id is a code (the OMS's are refused otherwise): anything else names no slip and is not looked up.
        var slip = Codes.IsValid(pickSlipId) ? await slips.GetAsync(tenant, pickSlipId, context.RequestAborted).ConfigureAwait(false) : null;
        if (slip is null)
        {
            var shown = pickSlipId.Length > 100 ? pickSlipId[..100] : pickSlipId;
            return ProblemResults.For(
                new Problem("pick-slip-not-found", 404, "Pick slip not found", $"Tenant '{tenant}' has no pick slip '{shown}'."), context);
        }

        var history = await slips.HistoryAsync(tenant, pickSlipId, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Json(new PickSlipWithHistory(
            PickSlipView.Of(slip),
            history.Select(h => new PickSlipHistoryView(
                h.Sequence, h.At, h.Source, h.EventId, h.Event, h.Outcome, h.FromState, h.ToState, h.Summary, h.FlagReason, h.CorrelationId)).ToArray()));
    }

    /// <summary>Slips in one state for at least <c>minAgeMinutes</c>, oldest first (the operations view).</summary>
    [EndpointSummary("Pick slips by state and age")]
    [EndpointDescription("Query: state (e.g. sent-to-wms), minAgeMinutes (time in that state, default 0), take (1-200, default 50). Oldest first.")]
    [ProducesResponseType(typeof(PickSlipListing), StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> ListAsync(string tenant, HttpContext context, PickSlipOrchestrator slips, TimeProvider time)
    {
        var query = context.Request.Query;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!Enum.TryParse<PickSlipState>(query["state"].FirstOrDefault()?.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var state)
            || int.TryParse(query["state"].FirstOrDefault(), out _))
        {
            errors["state"] = [$"Required: one of {string.Join(", ", Enum.GetValues<PickSlipState>().Select(s => s.Name()))}."];
        }

        var minAge = 0;
        if (query["minAgeMinutes"].FirstOrDefault() is { } age && (!int.TryParse(age, NumberStyles.None, CultureInfo.InvariantCulture, out minAge) || minAge > 525_600))
        {
            errors["minAgeMinutes"] = ["A whole number of minutes, 0 to 525600."];
        }

        var take = OperatorQuery.Take(query, errors, fallback: 50, MaxTake);

        if (errors.Count > 0)
        {
            return ProblemResults.InvalidQuery(errors, context);
        }

        var now = time.GetUtcNow();
        var found = await slips.ListAsync(tenant, state, now.AddMinutes(-minAge), take, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Json(new PickSlipListing(
            state.Name(),
            minAge,
            found.Select(f => new PickSlipListEntry(f.EnteredAt, Math.Floor((now - f.EnteredAt).TotalMinutes), PickSlipView.Of(f.Slip))).ToArray()));
    }
}

/// <summary>A pick slip as operators see it.</summary>
public sealed record PickSlipView(
    string Tenant,
    string PickSlipId,
    string OrderId,
    string Instance,
    string Warehouse,
    string ServiceLevel,
    string State,
    IReadOnlyList<PickSlipLineView> Lines,
    IReadOnlyList<PickSlipCarton> Cartons,
    IReadOnlyList<string> TrackingNumbers,
    DateTimeOffset GeneratedAt,
    DateTimeOffset? SentAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? AcknowledgeDueAt,
    DateTimeOffset? ShipDueAt,
    bool AcknowledgeEscalated,
    bool ShipEscalated)
{
    public static PickSlipView Of(PickSlipSnapshot slip) => new(
        slip.Tenant, slip.PickSlipId, slip.OrderId, slip.Instance, slip.Warehouse, slip.ServiceLevel, slip.State.Name(),
        slip.Lines.Select(l => new PickSlipLineView(l.Line, l.Sku, l.Ordered, l.Shipped, l.Voided, l.Backordered, l.Open)).ToArray(),
        slip.Cartons, slip.TrackingNumbers, slip.GeneratedAt, slip.SentAt, slip.UpdatedAt, slip.AcknowledgeDueAt, slip.ShipDueAt,
        slip.AcknowledgeEscalated, slip.ShipEscalated);
}

public sealed record PickSlipLineView(int Line, string Sku, long Ordered, long Shipped, long Voided, long Backordered, long Open);

/// <summary>One event the slip handled: who sent it, what it did and why.</summary>
public sealed record PickSlipHistoryView(
    int Sequence, DateTimeOffset At, string Source, string EventId, string Event, string Outcome,
    string? From, string? To, string Summary, string? FlagReason, string? CorrelationId);

public sealed record PickSlipWithHistory(PickSlipView Slip, IReadOnlyList<PickSlipHistoryView> History);

public sealed record PickSlipListEntry(DateTimeOffset InStateSince, double AgeMinutes, PickSlipView Slip);

public sealed record PickSlipListing(string State, int MinAgeMinutes, IReadOnlyList<PickSlipListEntry> Slips);
