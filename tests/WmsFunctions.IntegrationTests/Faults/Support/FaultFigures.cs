using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Storage;

using WmsFunctions.IntegrationTests.Support;

namespace WmsFunctions.IntegrationTests.Faults.Support;

/// <summary>
/// What a fault scenario ends with. It holds when no acknowledged event is lost (applied, and its CloudEvent
/// published), none is applied twice (one movement per event, stock equal to the sum of the distinct events) and
/// every OMS message is published exactly once in effect (every expected id at least once, no unexpected id).
/// Republications (the same id again) are counted, not failed: the OMS de-duplicates on the id.
/// </summary>
internal sealed record FaultFigures
{
    public required string Scenario { get; init; }

    /// <summary>Distinct events (or OMS messages, for OMS -> WMS) the scenario sent.</summary>
    public int Events { get; init; }

    /// <summary>Deliveries the sender made, duplicates included (each counted once however often retried).</summary>
    public int Deliveries { get; init; }

    /// <summary>Requests the sender made, retries included.</summary>
    public int Attempts { get; init; }

    public int NoAnswer { get; init; }

    public string Statuses { get; init; } = "";

    public int Acknowledged { get; init; }

    /// <summary>Events never acknowledged before the scenario's deadline.</summary>
    public int Unacknowledged { get; init; }

    /// <summary>Acknowledged events whose effect is missing (no applied inbox row, no movement, or no delivery).</summary>
    public int Lost { get; init; }

    /// <summary>Events applied more than once (two movements, or the WMS accepted one message twice).</summary>
    public int AppliedTwice { get; init; }

    /// <summary>SKUs whose stock differs from the sum of their distinct events.</summary>
    public int StockMismatches { get; init; }

    public int Published { get; init; }

    public int DistinctPublished { get; init; }

    public int Republications => Published - DistinctPublished;

    /// <summary>Acknowledged events with no CloudEvent on the OMS topic.</summary>
    public int Unpublished { get; init; }

    /// <summary>Ids published that no event of the scenario has.</summary>
    public int Unexpected { get; init; }

    /// <summary>Messages left on the poison queue (storage) or the dead-letter queue (Service Bus).</summary>
    public int Poisoned { get; init; }

    /// <summary>Messages still on the outbox queue (visible or hidden) when the scenario ended (-1: storage did not answer).</summary>
    public int Pending { get; init; }

    public int FailedInvocations { get; init; }

    /// <summary>Polls of the stand-in hosts that failed with an exception (handler or storage unreachable).</summary>
    public int PollFailures { get; init; }

    /// <summary>
    /// The most deliveries one message had (storage DequeueCount or Service Bus DeliveryCount) in a failed invocation:
    /// shows whether the fault outlasted the host's retry threshold.
    /// </summary>
    public int MaxDeliveries { get; init; }

    /// <summary>
    /// When set, the fault must have outlasted the host's retry threshold (a message failed this many deliveries):
    /// otherwise the scenario did not test what it says and fails as such.
    /// </summary>
    public int RequiredDeliveries { get; init; }

    /// <summary>From the end of the fault until the last event was acknowledged and its effect had reached the OMS (or WMS).</summary>
    public TimeSpan Recovery { get; init; }

    public TimeSpan Duration { get; init; }

    /// <summary>What the scenario saw besides (e.g. the fault's own figures).</summary>
    public string Notes { get; init; } = "";

    public IReadOnlyList<string> Violations
    {
        get
        {
            var found = new List<string>();
            void Check(bool holds, string what)
            {
                if (!holds)
                {
                    found.Add(what);
                }
            }

            Check(Unacknowledged == 0, $"{Unacknowledged} events never acknowledged");
            Check(Lost == 0, $"{Lost} acknowledged events lost");
            Check(AppliedTwice == 0, $"{AppliedTwice} applied twice");
            Check(StockMismatches == 0, $"{StockMismatches} SKUs with stock other than the sum of their events");
            Check(Unpublished == 0, $"{Unpublished} acknowledged events never published");
            Check(Unexpected == 0, $"{Unexpected} unexpected ids published");
            Check(Pending == 0, $"{Pending} messages still on the outbox queue");
            Check(Poisoned == 0, $"{Poisoned} messages poisoned or dead-lettered");
            Check(MaxDeliveries >= RequiredDeliveries, $"the fault did not outlast the retry threshold (most deliveries of one message {MaxDeliveries}, threshold {RequiredDeliveries}): the scenario did not test what it says");
            return found;
        }
    }

    public bool Holds => Violations.Count == 0;

    public string Verdict => Holds
        ? "0 acknowledged events lost, 0 applied twice, every OMS message published exactly once in effect"
        : "FAILED: " + string.Join("; ", Violations);

    public static string Header =>
        $"{"scenario",-34} {"events",6} {"deliv",6} {"tries",6} {"acked",6} {"lost",5} {"twice",5} {"pub",6} {"ids",6} {"repub",5} {"unpub",5} {"poison",6} {"recovery",9} {"total",7}";

    public string Row =>
        string.Create(CultureInfo.InvariantCulture,
            $"{Scenario,-34} {Events,6} {Deliveries,6} {Attempts,6} {Acknowledged,6} {Lost,5} {AppliedTwice,5} {Published,6} {DistinctPublished,6} {Republications,5} {Unpublished,5} {Poisoned,6} {Recovery.TotalSeconds,8:0.0}s {Duration.TotalSeconds,6:0}s");

    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"[{Scenario}] {Verdict}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"  events sent {Events} (deliveries {Deliveries}, attempts {Attempts}, no answer {NoAnswer}; answers {Statuses}), acknowledged {Acknowledged}, unacknowledged {Unacknowledged}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"  lost {Lost}, applied twice {AppliedTwice}, stock mismatches {StockMismatches}; CloudEvents published {Published}, distinct ids {DistinctPublished}, republications {Republications}, unpublished {Unpublished}, unexpected {Unexpected}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"  poisoned/dead-lettered {Poisoned}, outbox pending {Pending}, failed invocations {FailedInvocations} (most deliveries of one message {MaxDeliveries}), failed polls {PollFailures}; recovery {Recovery.TotalSeconds:0.0} s, scenario {Duration.TotalSeconds:0.0} s");
        if (Notes.Length > 0)
        {
            text.AppendLine("  " + Notes);
        }

        return text.ToString();
    }

    /// <summary>Appends the figures to artifacts/fault-figures.txt (the suite's record; artifacts/ is not committed).</summary>
    public void Record()
    {
        var dir = RepoPaths.File("artifacts");
        Directory.CreateDirectory(dir);
        File.AppendAllText(Path.Combine(dir, "fault-figures.txt"), $"{DateTimeOffset.UtcNow:u} {this}");
    }
}

/// <summary>The hub's tables as a storm left them: movements per event, inbox rows, stock per SKU.</summary>
internal static class StormLedger
{
    public sealed record Reading(IReadOnlyDictionary<string, int> MovementsPerEvent, IReadOnlySet<string> AppliedInInbox, IReadOnlyDictionary<string, long> Stock);

    public static async Task<Reading> ReadAsync(FaultHub hub, Storm storm, CancellationToken cancellationToken)
    {
        var storage = hub.Services.GetRequiredService<HubStorage>();
        var stock = await storage.TableAsync(HubTable.Stock, cancellationToken);
        var partition = StockSnapshotEntity.PartitionFor(FaultHub.Tenant, FaultHub.Warehouse);
        var movements = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var move in stock.QueryAsync<StockMovementEntity>(
            m => m.PartitionKey == partition && m.RowKey.CompareTo("move|") >= 0 && m.RowKey.CompareTo("move}") < 0, cancellationToken: cancellationToken))
        {
            if (move.Applied && move.Instance == FaultHub.Instance)
            {
                movements[move.EventId] = movements.GetValueOrDefault(move.EventId) + 1;
            }
        }

        var inbox = await storage.TableAsync(HubTable.Inbox, cancellationToken);
        var applied = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in inbox.QueryAsync<InboxEntity>(r => r.Instance == FaultHub.Instance, cancellationToken: cancellationToken))
        {
            if (row.Status == InboxStatus.Applied)
            {
                applied.Add(row.EventId);
            }
        }

        var ledger = hub.Services.GetRequiredService<StockLedger>();
        var onHand = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var sku in storm.Skus)
        {
            onHand[sku] = (await ledger.GetSnapshotAsync(FaultHub.Tenant, FaultHub.Warehouse, sku, cancellationToken))?.OnHand ?? 0;
        }

        return new Reading(movements, applied, onHand);
    }
}
