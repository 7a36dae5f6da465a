using System.Globalization;
using System.Text.Json;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Gs1;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Json;
using WmsFunctions.Platform.Problems;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Flows.PickSlips;

/// <summary>
/// Pick in (WMS -> OMS): validate a pick confirmation, check the slip is known and was sent to this instance,
/// map the locations goods shipped from, and hand the command to the inbound pipeline.
/// </summary>
public sealed class PickConfirmationFlow(PickSlipOrchestrator slips, TimeProvider time, StockLedger ledger, PickSlipDeadlineDirectory deadlineDirectory) : InboundFlow<PickConfirmationRequest, PickConfirmationCommand>
{
    public const string FlowName = "pick";

    /// <summary>The webhook's contract, for its OpenAPI description (set before Registration, which uses it).</summary>
    public static WebhookContract Contract { get; } = new(
        "Pick confirmation (pick in)",
        "What the WMS did with a pick slip the hub sent it. type: acknowledged, picked or packed (progress, no lines); shipped (lines " +
        "with the quantity shipped and, when the instance has several areas in the slip's warehouse, the location they left from; " +
        "cartons with SSCC-18 and/or tracking number, carrier, service, weight, freight and contents adding up to the lines); voided " +
        "(the slip, or the lines named, as unfulfillable; unreserve says whether the OMS releases its reservation); backordered " +
        "(lines with quantities and a reasonCode). Answered with what it did to the slip: applied, ignored (late or repeated: states " +
        "never move backwards), flagged (e.g. a shipment after a void: recorded for a person, not applied) or applied-and-flagged " +
        "(e.g. more shipped than ordered). A slip the OMS has not handed to the hub yet is 503 with Retry-After: nothing is written.",
        typeof(PickConfirmationRequest),
        typeof(PickConfirmationAnswer), 503);

    public static InboundFlowDefinition Registration { get; } = InboundFlowDefinition.For<PickConfirmationFlow>(
        FlowName, "PickConfirmations", "pick-confirmations", Contract);

    public override InboundFlowDefinition Definition => Registration;

    /// <summary>How soon a WMS should retry a confirmation for a slip the hub has not been handed yet.</summary>
    public const int UnknownSlipRetryAfterSeconds = 30;

    protected override async Task<Intake<PickConfirmationCommand>> IntakeAsync(PickConfirmationRequest confirmation, WmsInstance instance, CancellationToken cancellationToken)
    {
        var errors = Validate(confirmation, instance, time.GetUtcNow());
        if (errors.Count > 0)
        {
            return Problem.InvalidEvent(errors);
        }

        var slip = await slips.GetAsync(instance.Tenant, confirmation.PickSlipId!, cancellationToken).ConfigureAwait(false);
        if (slip is null)
        {
            // The OMS's hand-off of this slip may still be on its way: nothing is written, the WMS retries.
            return Problem.PickSlipNotYetKnown(confirmation.PickSlipId!, UnknownSlipRetryAfterSeconds);
        }

        if (!string.Equals(slip.Instance, instance.Id, StringComparison.Ordinal))
        {
            return Problem.PickSlipNotYours(confirmation.PickSlipId!, instance.Id);
        }

        var type = Enum.Parse<PickConfirmationType>(confirmation.Type!, ignoreCase: true);
        var lines = (confirmation.Lines ?? []).Select(l => new LineQuantity(l.Line!.Value, l.Quantity ?? 0)).ToArray();
        var stock = new List<StockChange>();
        if (type == PickConfirmationType.Shipped)
        {
            foreach (var (line, index) in confirmation.Lines!.Select((l, i) => (l, i)))
            {
                var sku = slip.Lines.FirstOrDefault(l => l.Line == line.Line)?.Sku;
                if (sku is null)
                {
                    continue; // the orchestration flags unknown lines; no stock moves for them
                }

                var area = ShippedFrom(line.Location, slip.Warehouse, instance, index, out var problem);
                if (problem is not null)
                {
                    return problem;
                }

                stock.Add(new StockChange(slip.Warehouse, area!, sku, StockChangeKind.Adjust, -line.Quantity!.Value));
            }
        }

        var command = new PickConfirmationCommand(
            type,
            confirmation.OccurredAt!.Value,
            confirmation.PickSlipId!,
            slip.ServiceLevel,
            lines,
            (confirmation.Cartons ?? []).Select(ToCarton).ToArray(),
            confirmation.Unreserve ?? false,
            confirmation.ReasonCode,
            stock);

        return Intake.Accepted(confirmation.EventId!, command);
    }

    private static string? ShippedFrom(string? location, string warehouse, WmsInstance instance, int index, out Problem? problem)
    {
        problem = null;
        if (location is null)
        {
            var areas = instance.AreasOf(warehouse);
            if (areas.Count == 1)
            {
                return areas[0];
            }

            problem = Problem.InvalidEvent(new Dictionary<string, string[]>
            {
                [$"lines[{index}].location"] = [$"Required: WMS instance '{instance.Id}' has {areas.Count} areas in {warehouse}; say which one the goods left from."],
            });
            return null;
        }

        var match = instance.ResolveLocation(location);
        switch (match.Kind)
        {
            case LocationMatchKind.Mapped when string.Equals(match.Warehouse, warehouse, StringComparison.OrdinalIgnoreCase):
                return match.Area;
            case LocationMatchKind.Mapped:
                problem = Problem.InvalidEvent(new Dictionary<string, string[]>
                {
                    [$"lines[{index}].location"] = [$"Location '{location}' is in {match.Warehouse}, not in the slip's warehouse {warehouse}."],
                });
                return null;
            case LocationMatchKind.NotAllowed:
                problem = Problem.LocationNotAllowed(location, instance.Id);
                return null;
            default:
                problem = Problem.UnknownLocation(location, instance.Id);
                return null;
        }
    }

    private static PickSlipCarton ToCarton(PickConfirmationCarton carton) => new(
        carton.Sscc is null ? null : Gs1Identifiers.TryParseSscc(carton.Sscc, out var sscc, out _) ? sscc.Value : carton.Sscc,
        carton.TrackingNumber,
        carton.Carrier,
        carton.Service,
        carton.Weight,
        carton.WeightUnit,
        carton.Freight,
        (carton.Contents ?? []).Select(c => new CartonContent(c.Line!.Value, c.Quantity!.Value)).ToArray());

    internal static Dictionary<string, string[]> Validate(PickConfirmationRequest confirmation, WmsInstance instance, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Fail(string field, string message) => errors[field] = [message];

        InboundFields.EventId(errors, confirmation.EventId);

        if (!Codes.IsValid(confirmation.PickSlipId))
        {
            Fail("pickSlipId", $"Required: 1 to {Codes.MaxLength} characters.");
        }

        PickConfirmationType? type = Enum.TryParse<PickConfirmationType>(confirmation.Type, ignoreCase: true, out var parsed) && !int.TryParse(confirmation.Type, out _) ? parsed : null;
        if (type is null)
        {
            Fail("type", "Required: one of acknowledged, picked, packed, shipped, voided, backordered.");
        }

        InboundFields.OccurredAt(errors, confirmation.OccurredAt, now, "when it happened in the warehouse");

        var lines = confirmation.Lines ?? [];
        if (type is PickConfirmationType.Shipped or PickConfirmationType.Backordered && lines.Count == 0)
        {
            Fail("lines", "Required: at least one line with its quantity.");
        }

        if (type is PickConfirmationType.Acknowledged or PickConfirmationType.Picked or PickConfirmationType.Packed && lines.Count > 0)
        {
            Fail("lines", "Progress is reported for the whole slip; send no lines.");
        }

        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Line is not > 0)
            {
                Fail($"lines[{i}].line", "Required: the slip's line number.");
            }

            var needsQuantity = type is PickConfirmationType.Shipped or PickConfirmationType.Backordered;
            if (needsQuantity && (lines[i].Quantity is not { } q || q <= 0 || q > instance.MaxQuantity))
            {
                Fail($"lines[{i}].quantity", $"Required: a whole number from 1 to {instance.MaxQuantity}.");
            }

            if (!needsQuantity && lines[i].Quantity is not null)
            {
                Fail($"lines[{i}].quantity", "A void takes whole lines; send no quantity.");
            }
        }

        if (lines.Where(l => l.Line is not null).GroupBy(l => l.Line).Any(g => g.Count() > 1) && type != PickConfirmationType.Shipped)
        {
            Fail("lines", "Each line at most once.");
        }

        if (type == PickConfirmationType.Voided && confirmation.Unreserve is null)
        {
            Fail("unreserve", "Required for a void: true releases the OMS reservation, false keeps it.");
        }

        if (type == PickConfirmationType.Backordered && !Codes.IsValid(confirmation.ReasonCode))
        {
            Fail("reasonCode", "Required for a backorder.");
        }

        var cartons = confirmation.Cartons ?? [];
        if (cartons.Count > 0 && type != PickConfirmationType.Shipped)
        {
            Fail("cartons", "Only a shipment has cartons.");
        }

        for (var i = 0; i < cartons.Count; i++)
        {
            var carton = cartons[i];
            if (carton.Sscc is not null && !Gs1Identifiers.TryParseSscc(carton.Sscc, out _, out var ssccError))
            {
                Fail($"cartons[{i}].sscc", ssccError!);
            }

            if (carton.Sscc is null && carton.TrackingNumber is null)
            {
                Fail($"cartons[{i}]", "A carton needs an SSCC or a tracking number.");
            }

            if (carton.TrackingNumber is { } tracking && !Codes.IsValid(tracking))
            {
                Fail($"cartons[{i}].trackingNumber", $"1 to {Codes.MaxLength} characters.");
            }

            if (carton.Weight is < 0 || carton.Freight is < 0)
            {
                Fail($"cartons[{i}]", "Weight and freight cannot be negative.");
            }

            var contents = carton.Contents ?? [];
            for (var j = 0; j < contents.Count; j++)
            {
                if (contents[j].Line is not > 0 || contents[j].Quantity is not > 0)
                {
                    Fail($"cartons[{i}].contents[{j}]", "Each content needs a line number and a positive quantity.");
                }
            }
        }

        // What the cartons hold must add up to what was shipped, line by line.
        if (type == PickConfirmationType.Shipped && cartons.Any(c => c.Contents is { Count: > 0 }) && errors.Count == 0)
        {
            var shipped = lines.GroupBy(l => l.Line!.Value).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity!.Value));
            var packed = cartons.SelectMany(c => c.Contents ?? []).GroupBy(c => c.Line!.Value).ToDictionary(g => g.Key, g => g.Sum(c => c.Quantity!.Value));
            var mismatch = shipped.Keys.Union(packed.Keys).Where(line => shipped.GetValueOrDefault(line) != packed.GetValueOrDefault(line)).Order().ToArray();
            if (mismatch.Length > 0)
            {
                Fail("cartons", string.Create(CultureInfo.InvariantCulture, $"Carton contents do not add up to the shipped quantity on line {string.Join(", ", mismatch)}."));
            }
        }

        if (confirmation.ReasonCode is not null && !Codes.IsValid(confirmation.ReasonCode))
        {
            Fail("reasonCode", $"At most {Codes.MaxLength} characters.");
        }

        return errors;
    }

    protected override async Task<InboundOutcome> ApplyAsync(InboxEntity record, PickConfirmationCommand command, CancellationToken cancellationToken)
    {
        var deadlines = deadlineDirectory.For(record.Tenant, record.Instance, command.ServiceLevel)
            ?? throw new InvalidOperationException($"WMS instance {record.Tenant}/{record.Instance} is no longer configured.");

        var result = await slips.ApplyAsync(
            record.Tenant, command.PickSlipId, "wms:" + record.Instance, record.EventId, command.ToSlipCommand(),
            deadlines, record.CorrelationId, cancellationToken).ConfigureAwait(false);

        var stockMoved = command.Type == PickConfirmationType.Shipped
            && result.Outcome is PickSlipOutcome.Applied or PickSlipOutcome.AppliedAndFlagged
            && command.StockChanges.Count > 0;
        if (stockMoved)
        {
            await ledger.ApplyAsync(
                new StockEventRef(record.Tenant, record.Instance, Name, record.EventId, command.OccurredAt, "ship", null),
                command.StockChanges,
                cancellationToken).ConfigureAwait(false);
        }

        var outcome = result.Outcome switch
        {
            PickSlipOutcome.Applied => "applied",
            PickSlipOutcome.AppliedAndFlagged => "applied-and-flagged",
            PickSlipOutcome.Ignored => "ignored",
            _ => "flagged",
        };
        var state = result.Slip?.State.Name() ?? "unknown";
        var answer = new PickConfirmationAnswer(record.EventId, command.PickSlipId, outcome, state, result.Summary, result.FlagReason);
        return new InboundOutcome(
            outcome,
            202,
            JsonSerializer.Serialize(answer, ContractJson.Options),
            result.StatusEvent,
            $"{command.Type.ToString().ToLowerInvariant()} {command.PickSlipId}: {result.Summary}{(result.FlagReason is null ? "" : $" [flagged: {result.FlagReason}]")}{(stockMoved ? "; stock moved" : "")}");
    }
}
