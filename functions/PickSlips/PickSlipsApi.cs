using System.Globalization;
using WmsFunctions.Handler.Operations;
using WmsFunctions.Handler.Webhooks;
using WmsFunctions.PickSlips;
using WmsFunctions.Problems;

namespace WmsFunctions.Handler.PickSlips;

/// <summary>Pick in (the WMS's confirmations) and the operators' view of the orchestration.</summary>
public static class PickSlipsApi
{
    public const int MaxTake = 200;

    public static Task<IResult> PostConfirmationAsync(
        string tenant, string instance, HttpContext context, WebhookGate gate, PickConfirmationHandler handler) =>
        gate.RunAsync(context, tenant, instance, PickConfirmationHandler.Flow, handler.HandleAsync);

    /// <summary>One slip: its state and its whole history, enough to explain how it got there.</summary>
    public static async Task<IResult> GetAsync(string tenant, string pickSlipId, HttpContext context, OperatorGate operators, PickSlipOrchestrator slips)
    {
        if (!operators.TryAuthenticate(context, out _, out var refusal))
        {
            return refusal;
        }

        var slip = await slips.GetAsync(tenant, pickSlipId, context.RequestAborted).ConfigureAwait(false);
        if (slip is null)
        {
            return WebhookGate.ProblemResult(
                new Problem("pick-slip-not-found", 404, "Pick slip not found", $"Tenant '{tenant}' has no pick slip '{pickSlipId}'."),
                context.Request.Path, context.TraceIdentifier);
        }

        var history = await slips.HistoryAsync(tenant, pickSlipId, context.RequestAborted).ConfigureAwait(false);
        return Results.Json(new
        {
            slip = View(slip),
            history = history.Select(h => new
            {
                sequence = h.Sequence,
                at = h.At,
                source = h.Source,
                eventId = h.EventId,
                @event = h.Event,
                outcome = h.Outcome,
                from = h.FromState,
                to = h.ToState,
                summary = h.Summary,
                flagReason = h.FlagReason,
                correlationId = h.CorrelationId,
            }),
        });
    }

    /// <summary>Slips in one state for at least <c>minAgeMinutes</c>, oldest first (the operations view).</summary>
    public static async Task<IResult> ListAsync(string tenant, HttpContext context, OperatorGate operators, PickSlipOrchestrator slips, TimeProvider time)
    {
        if (!operators.TryAuthenticate(context, out _, out var refusal))
        {
            return refusal;
        }

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

        var take = 50;
        if (query["take"].FirstOrDefault() is { } count && (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > MaxTake))
        {
            errors["take"] = [$"1 to {MaxTake}."];
        }

        if (errors.Count > 0)
        {
            return WebhookGate.ProblemResult(Problem.InvalidEvent(errors) with { Type = "invalid-query", Title = "The query is invalid" }, context.Request.Path, context.TraceIdentifier);
        }

        var now = time.GetUtcNow();
        var found = await slips.ListAsync(tenant, state, now.AddMinutes(-minAge), take, context.RequestAborted).ConfigureAwait(false);
        return Results.Json(new
        {
            state = state.Name(),
            minAgeMinutes = minAge,
            slips = found.Select(f => new { inStateSince = f.EnteredAt, ageMinutes = Math.Floor((now - f.EnteredAt).TotalMinutes), slip = View(f.Slip) }),
        });
    }

    private static object View(PickSlipSnapshot slip) => new
    {
        tenant = slip.Tenant,
        pickSlipId = slip.PickSlipId,
        orderId = slip.OrderId,
        instance = slip.Instance,
        warehouse = slip.Warehouse,
        serviceLevel = slip.ServiceLevel,
        state = slip.State.Name(),
        lines = slip.Lines.Select(l => new { l.Line, l.Sku, l.Ordered, l.Shipped, l.Voided, l.Backordered, l.Open }),
        cartons = slip.Cartons,
        trackingNumbers = slip.TrackingNumbers,
        generatedAt = slip.GeneratedAt,
        sentAt = slip.SentAt,
        updatedAt = slip.UpdatedAt,
        acknowledgeDueAt = slip.AcknowledgeDueAt,
        shipDueAt = slip.ShipDueAt,
        escalated = new { acknowledge = slip.AcknowledgeEscalated, ship = slip.ShipEscalated },
    };
}
