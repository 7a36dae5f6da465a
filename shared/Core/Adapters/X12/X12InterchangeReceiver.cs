using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using WmsFunctions.Adapters.HubJson;
using WmsFunctions.Edi;
using WmsFunctions.Edi.Documents;
using WmsFunctions.Flows.Inventory;
using WmsFunctions.Flows.Items;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Flows.PurchaseOrderReceipts;
using WmsFunctions.Flows.PurchaseOrders;
using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Json;
using WmsFunctions.Platform.Problems;
using WmsFunctions.Platform.Telemetry;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Adapters.X12;

/// <summary>
/// An X12 partner's interchange (the <c>.../x12</c> webhook): read strictly; a broken envelope (ISA, IEA, counts,
/// control numbers, truncation, not from this partner to the hub) is refused whole with the position, nothing
/// applied. Otherwise every transaction set is decided on its own, as X12 does (AK5): a set with syntax errors,
/// or whose content the hub cannot map (unknown GTIN or GLN, unmapped reason code, a PO line that does not exist),
/// is rejected and nothing of it is applied; the others are applied through the existing inbound flows
/// (945 -> pick confirmation, 944 -> PO receipts, 846 -> overlays, 947 -> adjustments). The answer is 200 with
/// the 997 (one AK2 per set, AK3/AK4 with segment and element positions for what was wrong). 997s from the partner
/// (for the hub's 940s and 943s) are matched to what was sent; they get no 997 back.
/// Refusals decided here (the envelope, a set's syntax or mapping) count as refused events of flow <c>x12</c>; a set's
/// events that reach the event pipeline are counted there, under their own flows.
/// </summary>
public sealed partial class X12InterchangeReceiver(
    X12Partners partners,
    IControlNumbers controlNumbers,
    X12InterchangeLog interchanges,
    PickConfirmationFlow pickConfirmations,
    PurchaseOrderReceiptFlow receipts,
    InventoryTransactionFlow inventory,
    EventPipeline pipeline,
    ItemCatalog items,
    PurchaseOrderStore purchaseOrders,
    DeliveryStore deliveries,
    FailedSyncStore failedSyncs,
    AuditLog audit,
    HubMetrics metrics,
    TimeProvider time,
    ILogger<X12InterchangeReceiver> logger)
{
    public const string Flow = "x12";

    public const string ContentType = "application/edi-x12";

    /// <summary>Interchanges are bigger than JSON events: up to 1 MiB per request.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    public async Task<InboundResult> ReceiveAsync(InboundRequest request, CancellationToken cancellationToken)
    {
        var instance = request.Instance;
        if (!partners.TryGet(instance.Tenant, instance.Id, out var partner))
        {
            return Refused(instance, new Problem("x12-not-configured", 422, "Not an X12 partner",
                $"WMS instance '{instance.Id}' does not speak X12 (its Adapter is '{instance.Adapter}')."));
        }

        var text = Encoding.ASCII.GetString(request.Body.Span);
        X12Receipt receipt;
        Dictionary<(int? Group, string Set), X12SetSegments> segments;
        try
        {
            receipt = new X12Reader(partner.Options).Receive(text);
            segments = X12SetSegments.Split(text);
        }
        catch (X12Exception unreadable)
        {
            return Refused(instance, Unreadable(unreadable.Error));
        }

        var header = receipt.Header;
        var interchangeId = InterchangeId(header);
        var issuedAt = IssuedAt(header);
        var context = new Context(request, partner, WmsInstanceLookup.Of(instance), text, issuedAt);
        var acknowledgments = receipt.Acknowledgments.ToList();
        var matched = 0;
        var unknown = new List<string>();
        foreach (var set in receipt.Sets)
        {
            var eventId = $"{interchangeId}:{set.ControlNumber}";
            if (set.Document is null)
            {
                metrics.EventRefused(instance.Tenant, instance.Id, Flow, "x12-syntax");
                await AuditAsync(context, "rejected", set.SetId, eventId, "x12-syntax", string.Join("; ", set.Errors.Take(3)), cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (set.Document is FunctionalGroupAcknowledged acknowledgment)
            {
                if (await MatchAsync(context, acknowledgment, eventId, cancellationToken).ConfigureAwait(false))
                {
                    matched++;
                }
                else
                {
                    unknown.Add(string.Create(CultureInfo.InvariantCulture, $"{acknowledgment.FunctionalId} {acknowledgment.GroupControlNumber}"));
                }

                continue;
            }

            var rejection = await ApplyAsync(context, set.Document, eventId, cancellationToken).ConfigureAwait(false);
            if (rejection is not null)
            {
                var position = segments.TryGetValue((set.GroupControlNumber, set.ControlNumber), out var found) ? found.Position(rejection.SegmentId, rejection.Occurrence) : 1;
                acknowledgments = acknowledgments.Select(a => a.FunctionalId == set.FunctionalId && a.GroupControlNumber == set.GroupControlNumber
                    ? Reject(a, set.SetId, set.ControlNumber, rejection, position) : a).ToList();
                await RecordRejectionAsync(context, set, eventId, rejection, position, cancellationToken).ConfigureAwait(false);
            }
        }

        if (acknowledgments.Count == 0)
        {
            return unknown.Count > 0 && matched == 0
                ? Refused(instance, new Problem("unknown-control-number", 422, "Acknowledges nothing the hub sent",
                    $"The 997 acknowledges group(s) {string.Join(", ", unknown)}, which the hub never sent to this partner; nothing was changed."))
                : new InboundResult(200, "", null, false, interchangeId);
        }

        var answer = await new X12Writer(partner.Options, time, controlNumbers).WriteAsync(acknowledgments, cancellationToken).ConfigureAwait(false);
        return new InboundResult(200, answer.Text, null, false, interchangeId);
    }

    /// <summary>
    /// An operator's replay of a set the hub rejected (flow <c>x12</c>): the stored interchange read again and only that
    /// set applied, through the same mapping and inbound flows, so its events already applied are answered from the
    /// inbox and only the rest is applied. Rejected again, its failed sync counts another attempt with the new reason.
    /// No 997 is written (the partner had its answer). A failure naming no set of the interchange runs it whole.
    /// </summary>
    public async Task<ReplayAttempt> ReplaySetAsync(InboundRequest request, string eventId, CancellationToken cancellationToken)
    {
        var instance = request.Instance;
        if (!partners.TryGet(instance.Tenant, instance.Id, out var partner))
        {
            return ReplayAttempt.Failed("x12-not-configured", $"WMS instance '{instance.Id}' does not speak X12 (any more).", "not an X12 partner");
        }

        var text = Encoding.ASCII.GetString(request.Body.Span);
        X12Receipt receipt;
        Dictionary<(int? Group, string Set), X12SetSegments> segments;
        try
        {
            receipt = new X12Reader(partner.Options).Receive(text);
            segments = X12SetSegments.Split(text);
        }
        catch (X12Exception unreadable)
        {
            return ReplayAttempt.Failed("invalid-interchange", unreadable.Error.ToString(), "the stored interchange cannot be read: " + unreadable.Error);
        }

        var interchangeId = InterchangeId(receipt.Header);
        var set = receipt.Sets.FirstOrDefault(s => $"{interchangeId}:{s.ControlNumber}" == eventId);
        if (set is null)
        {
            var whole = await ReceiveAsync(request, cancellationToken).ConfigureAwait(false);
            return whole.Problem is { } problem
                ? ReplayAttempt.Failed(problem.Type, problem.Detail, $"refused again: {problem.Type}: {problem.Detail}")
                : ReplayAttempt.Done($"interchange {interchangeId} received again (HTTP {whole.Status})");
        }

        if (set.Document is null or FunctionalGroupAcknowledged)
        {
            return ReplayAttempt.Failed("x12-syntax", string.Join("; ", set.Errors.Take(3)), $"{set.SetId} {set.ControlNumber} cannot be applied");
        }

        var context = new Context(request, partner, WmsInstanceLookup.Of(instance), text, IssuedAt(receipt.Header));
        var rejection = await ApplyAsync(context, set.Document, eventId, cancellationToken).ConfigureAwait(false);
        if (rejection is null)
        {
            await AuditAsync(context, "applied", set.SetId, eventId, null, $"{set.SetId} {set.ControlNumber} applied by an operator's replay", cancellationToken).ConfigureAwait(false);
            return ReplayAttempt.Done($"{set.SetId} {set.ControlNumber} applied");
        }

        var position = segments.TryGetValue((set.GroupControlNumber, set.ControlNumber), out var found) ? found.Position(rejection.SegmentId, rejection.Occurrence) : 1;
        await RecordRejectionAsync(context, set, eventId, rejection, position, cancellationToken).ConfigureAwait(false);
        return ReplayAttempt.Failed(null, null, $"{set.SetId} {set.ControlNumber} rejected again: {rejection.Problem.Type}: {rejection.Problem.Detail}");
    }

    private InboundResult Refused(WmsInstance instance, Problem problem)
    {
        metrics.EventRefused(instance.Tenant, instance.Id, Flow, problem.Type);
        return InboundResult.Refused(problem);
    }

    private static string InterchangeId(X12InterchangeHeader header) =>
        string.Create(CultureInfo.InvariantCulture, $"x12:{header.SenderQualifier}:{header.SenderId}:{header.ControlNumber:D9}");

    private static DateTimeOffset IssuedAt(X12InterchangeHeader header) => new(header.Date.ToDateTime(header.Time), TimeSpan.Zero);

    /// <summary>Maps one accepted set and applies its events in order; the first refusal rejects the set.</summary>
    private async Task<X12SetRejection?> ApplyAsync(Context context, IX12Document document, string eventId, CancellationToken cancellationToken)
    {
        var (events, unmapped) = await MapAsync(context, document, eventId, cancellationToken).ConfigureAwait(false);
        if (unmapped is not null)
        {
            metrics.EventRefused(context.Request.Instance.Tenant, context.Request.Instance.Id, Flow, unmapped.Problem.Type);
            return unmapped;
        }

        foreach (var mapped in events)
        {
            var result = await pipeline.ReceiveAsync(
                FlowFor(mapped.Flow),
                new InboundRequest(context.Request.Instance, JsonSerializer.SerializeToUtf8Bytes(mapped.Request, ContractJson.Options), context.Request.CorrelationId),
                cancellationToken).ConfigureAwait(false);
            if (result.Problem is { } problem)
            {
                LogSetRefused(logger, document.TransactionSetId, eventId, problem.Type);
                return new X12SetRejection(problem, mapped.SegmentId, mapped.Occurrence);
            }
        }

        return null;
    }

    /// <summary>A set's events in the hub's contract, or why the set cannot be applied (nothing of it is, then).</summary>
    private async Task<(IReadOnlyList<X12MappedEvent> Events, X12SetRejection? Rejection)> MapAsync(
        Context context, IX12Document document, string eventId, CancellationToken cancellationToken)
    {
        var (partner, lookup, at) = (context.Partner, context.Lookup, context.IssuedAt);
        IReadOnlyList<X12MappedEvent> events;
        X12SetRejection? rejection;
        switch (document)
        {
            case OrderShipped shipped:
                var (shipment, refused) = X12SetMapping.Shipment(shipped, eventId, at, partner, lookup);
                (events, rejection) = (shipment is null ? [] : [shipment], refused);
                break;
            case TransferReceived received:
                var lines = await purchaseOrders.LineNumbersBySkuAsync(context.Request.Instance.Tenant, received.DepositorOrderNumber, cancellationToken).ConfigureAwait(false);
                if (lines is null)
                {
                    return ([], new X12SetRejection(Problem.UnknownPurchaseOrder(received.DepositorOrderNumber), "W17", 0, 4, received.DepositorOrderNumber));
                }

                (events, rejection) = X12SetMapping.Receipt(received, eventId, at, partner, lookup, lines);
                break;
            case InventoryReported reported:
                var asOf = new DateTimeOffset(reported.Date.ToDateTime(reported.Time ?? TimeOnly.MinValue), TimeSpan.Zero);
                (events, rejection) = X12SetMapping.Inventory(reported, eventId, reported.Time is null && reported.Date == DateOnly.FromDateTime(at.UtcDateTime) ? at : asOf, partner, lookup);
                break;
            case InventoryAdjusted adjusted:
                (events, rejection) = X12SetMapping.Adjustments(adjusted, eventId, at, partner, lookup);
                break;
            default:
                return ([], new X12SetRejection(new Problem("x12-set-not-accepted", 422, "Set not accepted from a 3PL",
                    $"The hub sends {document.TransactionSetId}s to X12 partners; it does not receive them."), "ST", 0, 1, document.TransactionSetId));
        }

        if (rejection is not null)
        {
            return ([], rejection);
        }

        // Every SKU the set names must be known before any of its events is applied: a set is applied whole or not at all.
        for (var i = 0; i < events.Count; i++)
        {
            var sku = JsonSerializer.SerializeToElement(events[i].Request, ContractJson.Options).TryGetProperty("sku", out var value) ? value.GetString() : null;
            if (sku is not null && !await items.ExistsAsync(context.Request.Instance.Tenant, lookup.OmsSku(sku), cancellationToken).ConfigureAwait(false))
            {
                return ([], new X12SetRejection(Problem.UnknownSku(sku, lookup.OmsSku(sku)), events[i].SegmentId, events[i].Occurrence));
            }
        }

        return (events, null);
    }

    private IInboundFlow FlowFor(string flow) => flow switch
    {
        "pick-confirmations" => pickConfirmations,
        "po-receipts" => receipts,
        _ => inventory,
    };

    /// <summary>
    /// A 997 from the partner: finds the interchange it acknowledges (AK1 group control number); accepted -> the
    /// delivery is acknowledged (a 940: the pick slip moves to acknowledged), rejected -> a failed sync with the
    /// partner's codes. False when the hub never sent that group (refused and audited).
    /// </summary>
    private async Task<bool> MatchAsync(Context context, FunctionalGroupAcknowledged acknowledgment, string eventId, CancellationToken cancellationToken)
    {
        var instance = context.Request.Instance;
        var row = await interchanges.FindAsync(instance.Tenant, instance.Id, acknowledgment.FunctionalId, acknowledgment.GroupControlNumber, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            await AuditAsync(context, "refused", "997", eventId, "unknown-control-number",
                string.Create(CultureInfo.InvariantCulture, $"997 for group {acknowledgment.FunctionalId} {acknowledgment.GroupControlNumber}, never sent to this partner"), cancellationToken).ConfigureAwait(false);
            return false;
        }

        var sent = new X12Outbound(row.Text, row.InterchangeControlNumber,
            [new X12OutboundGroup(row.FunctionalId, row.GroupControlNumber, [new X12OutboundSet(row.SetId, row.SetControlNumber)])]);
        var set = X12Acknowledgments.Match(acknowledgment, [sent])!.Sets[0];
        if (set.IsAccepted)
        {
            await interchanges.AcknowledgeAsync(row, X12InterchangeStatus.Accepted, eventId, null, cancellationToken).ConfigureAwait(false);
            if (row.Flow == PickSlipOutFlow.Name)
            {
                var result = await pipeline.ReceiveAsync(
                    pickConfirmations,
                    new InboundRequest(instance, JsonSerializer.SerializeToUtf8Bytes(X12SetMapping.Acknowledged(eventId, row.EntityId, context.IssuedAt), ContractJson.Options), context.Request.CorrelationId),
                    cancellationToken).ConfigureAwait(false);
                if (result.Problem is { } problem)
                {
                    LogSetRefused(logger, "997", eventId, problem.Type); // the delivery stays acknowledged; the slip hears it with its next event
                }
            }

            await AuditAsync(context, "acknowledged", row.SetId, eventId, null, $"{row.Flow} {row.EntityId} v{row.Version}: {row.SetId} {row.SetControlNumber} accepted by the partner", cancellationToken).ConfigureAwait(false);
            return true;
        }

        var detail = Describe(acknowledgment, set);
        if (await interchanges.AcknowledgeAsync(row, X12InterchangeStatus.Rejected, eventId, detail, cancellationToken).ConfigureAwait(false))
        {
            // The failure of the OMS message (its flow, its body): a replay runs it through the dispatcher again, so the
            // delivery the HTTP answer recorded as delivered becomes refused first.
            await deliveries.RefuseLaterAsync(instance.Tenant, instance.Id, row.Flow, row.EntityId, row.Version, row.MessageId, cancellationToken).ConfigureAwait(false);
            var message = await interchanges.ReadMessageAsync(row, cancellationToken).ConfigureAwait(false);
            await failedSyncs.RecordAsync(
                new FailedSync(instance.Tenant, instance.Id, FailedSyncDirection.OmsToWms, row.Flow, EntityType(row.Flow), row.EntityId, row.MessageId,
                    "x12-rejected", detail, context.Request.CorrelationId, message ?? row.Text),
                cancellationToken).ConfigureAwait(false);
        }

        await AuditAsync(context, "rejected", row.SetId, eventId, "x12-rejected", $"{row.Flow} {row.EntityId}: {detail}", cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The partner's verdict in words: AK5/AK9 codes and every AK3/AK4 position.</summary>
    public static string Describe(FunctionalGroupAcknowledged acknowledgment, X12SetAcceptance set)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"997 rejected {set.SetId} {set.ControlNumber} (AK5 {Code(set.Code)}");
        var listed = acknowledgment.Sets.FirstOrDefault(s => s.SetId == set.SetId && s.ControlNumber == set.ControlNumber);
        if (listed is { Errors.Count: > 0 })
        {
            text.Append(" codes ").AppendJoin(",", listed.Errors);
        }

        text.Append(CultureInfo.InvariantCulture, $"; AK9 {Code(acknowledgment.Code)}");
        if (acknowledgment.Errors.Count > 0)
        {
            text.Append(" codes ").AppendJoin(",", acknowledgment.Errors);
        }

        text.Append(')');
        foreach (var segment in set.Segments)
        {
            text.Append(CultureInfo.InvariantCulture, $"; segment {segment.SegmentId} at position {segment.Position} error {segment.Error}");
            foreach (var element in segment.Elements)
            {
                text.Append(CultureInfo.InvariantCulture, $", element {element.Position} error {element.Error}");
                if (element.BadValue is not null)
                {
                    text.Append(CultureInfo.InvariantCulture, $" ('{element.BadValue}')");
                }
            }
        }

        return text.ToString();
    }

    private static string Code(X12AcknowledgmentCode code) => code switch
    {
        X12AcknowledgmentCode.Accepted => "A",
        X12AcknowledgmentCode.AcceptedWithErrors => "E",
        X12AcknowledgmentCode.PartiallyAccepted => "P",
        X12AcknowledgmentCode.Rejected => "R",
        X12AcknowledgmentCode.RejectedAuthentication => "M",
        X12AcknowledgmentCode.RejectedAssurance => "W",
        _ => "X",
    };

    private static string EntityType(string flow) => flow switch
    {
        PickSlipOutFlow.Name => "pick-slip",
        PurchaseOrderOutFlow.Name => "purchase-order",
        _ => "return-authorization",
    };

    /// <summary>The 997 for a group after the hub rejected one of its sets for its content: AK5 R (5), AK3/AK4 at the position.</summary>
    public static FunctionalGroupAcknowledged Reject(FunctionalGroupAcknowledged group, string setId, string controlNumber, X12SetRejection rejection, int position)
    {
        var bad = rejection.BadValue is { Length: > 0 } value ? value[..Math.Min(99, value.Length)] : null;
        var note = rejection.SegmentMissing || rejection.Element is null
            ? new SegmentNote(rejection.SegmentId, position, null, rejection.SegmentMissing ? "3" : "8", [])
            : new SegmentNote(rejection.SegmentId, position, null, "8", [new ElementNote(rejection.Element.Value, null, null, "7", bad)]);
        var sets = group.Sets.Select(s => s.SetId == setId && s.ControlNumber == controlNumber
            ? s with { Code = X12AcknowledgmentCode.Rejected, Errors = ["5"], Segments = s.Segments.Append(note).ToValueList() }
            : s).ToValueList();
        var accepted = sets.Count(s => s.IsAccepted);
        var code = group.Errors.Count > 0 || accepted == 0 ? X12AcknowledgmentCode.Rejected
            : accepted < group.SetsReceived ? X12AcknowledgmentCode.PartiallyAccepted
            : group.Code;
        return group with { Sets = sets, SetsAccepted = accepted, Code = code };
    }

    /// <summary>400 with the exact position: the envelope is broken, so nothing is applied and no 997 can be built.</summary>
    public static Problem Unreadable(X12Error error)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["segment"] = [string.Create(CultureInfo.InvariantCulture, $"{error.SegmentId} (#{error.SegmentIndex} in the interchange)")],
            ["code"] = [error.Code.ToString()],
        };
        if (error.ElementPosition is { } element)
        {
            errors["element"] = [string.Create(CultureInfo.InvariantCulture, $"{error.SegmentId}{element:D2}")];
        }

        return new Problem("invalid-interchange", 400, "The interchange cannot be read", error.ToString(), errors);
    }

    private async Task RecordRejectionAsync(Context context, X12SetOutcome set, string eventId, X12SetRejection rejection, int position, CancellationToken cancellationToken)
    {
        var instance = context.Request.Instance;
        var where = string.Create(CultureInfo.InvariantCulture,
            $"{set.SetId} {set.ControlNumber}: {rejection.SegmentId} at position {position}{(rejection.Element is { } e ? $", element {rejection.SegmentId}{e:D2}" : "")}");
        await failedSyncs.RecordAsync(
            new FailedSync(instance.Tenant, instance.Id, FailedSyncDirection.WmsToOms, Flow, "x12-" + set.SetId, eventId, eventId,
                rejection.Problem.Type, $"{where}: {rejection.Problem.Detail}", context.Request.CorrelationId, context.Text),
            cancellationToken).ConfigureAwait(false);
        await AuditAsync(context, "rejected", set.SetId, eventId, rejection.Problem.Type, $"{where}: {rejection.Problem.Detail}", cancellationToken).ConfigureAwait(false);
    }

    private Task AuditAsync(Context context, string outcome, string setId, string eventId, string? reason, string summary, CancellationToken cancellationToken) =>
        audit.TryWriteAsync(
            new AuditEntry(context.Request.Instance.Tenant, time.GetUtcNow(), Flow, outcome, Instance: context.Request.Instance.Id, EntityType: "x12-" + setId,
                EntityId: eventId, EventId: eventId, CorrelationId: context.Request.CorrelationId, Reason: reason,
                Summary: summary.Length > 512 ? summary[..512] : summary),
            cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "X12 {SetId} {EventId} not applied: {ProblemType}")]
    private static partial void LogSetRefused(ILogger logger, string setId, string eventId, string problemType);

    private sealed record Context(InboundRequest Request, X12Partner Partner, WmsInstanceLookup Lookup, string Text, DateTimeOffset IssuedAt);
}
