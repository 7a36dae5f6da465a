using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Flows.PickSlips;

// Table PickSlips: one partition per (tenant, pick slip), so one slip's events serialize cheaply.
//   slip                       the current state (PickSlipEntity), ETag-guarded
//   hist|{seq:D6}              one row per event handled, in order: what it did and why (the slip's story)
//   evt|{source}|{event id}    "this event was handled", pointing at its history row (duplicates answer the same)
// Table PickSlipDeadlines: hints to find overdue slips without scanning them all:
//   PK {yyyyMMdd of due time}, RK {due ticks}|{tenant}|{slip}|{kind}; verified against the slip when read.
// Table PickSlipsByState: hints to list slips by state and age: PK {tenant}|{state}, RK {entered ticks}|{slip}.

public sealed class PickSlipEntity : ITableEntity
{
    public const string SlipRow = "slip";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = SlipRow;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Tenant { get; set; } = "";

    public string PickSlipId { get; set; } = "";

    public string OrderId { get; set; } = "";

    public string Instance { get; set; } = "";

    public string Warehouse { get; set; } = "";

    public string ServiceLevel { get; set; } = "";

    public string State { get; set; } = "";

    public string Lines { get; set; } = "[]";

    public string Cartons { get; set; } = "[]";

    public string TrackingNumbers { get; set; } = "[]";

    public DateTimeOffset GeneratedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? AcknowledgeDueAt { get; set; }

    public DateTimeOffset? ShipDueAt { get; set; }

    public bool AcknowledgeEscalated { get; set; }

    public bool ShipEscalated { get; set; }

    public long OmsVersion { get; set; }

    /// <summary>When the slip entered its current state (for "list by state and age").</summary>
    public DateTimeOffset StateEnteredAt { get; set; }

    /// <summary>How many history rows the slip has (the next one is HistoryCount + 1).</summary>
    public int HistoryCount { get; set; }

    public static string PartitionFor(string tenant, string pickSlipId) =>
        TableKeys.Join(TableKeys.Escape(tenant), TableKeys.Escape(pickSlipId));

    public PickSlipSnapshot ToSnapshot() => new(
        Tenant, PickSlipId, OrderId, Instance, Warehouse, ServiceLevel,
        Enum.Parse<PickSlipState>(State),
        JsonSerializer.Deserialize<PickSlipLine[]>(Lines, PickSlipJson.Options)!,
        JsonSerializer.Deserialize<PickSlipCarton[]>(Cartons, PickSlipJson.Options)!,
        JsonSerializer.Deserialize<string[]>(TrackingNumbers, PickSlipJson.Options)!,
        GeneratedAt, SentAt, UpdatedAt, AcknowledgeDueAt, ShipDueAt, AcknowledgeEscalated, ShipEscalated, OmsVersion);

    public void CopyFrom(PickSlipSnapshot slip)
    {
        Tenant = slip.Tenant;
        PickSlipId = slip.PickSlipId;
        OrderId = slip.OrderId;
        Instance = slip.Instance;
        Warehouse = slip.Warehouse;
        ServiceLevel = slip.ServiceLevel;
        State = slip.State.ToString();
        Lines = JsonSerializer.Serialize(slip.Lines, PickSlipJson.Options);
        Cartons = JsonSerializer.Serialize(slip.Cartons, PickSlipJson.Options);
        TrackingNumbers = JsonSerializer.Serialize(slip.TrackingNumbers, PickSlipJson.Options);
        GeneratedAt = slip.GeneratedAt;
        SentAt = slip.SentAt;
        UpdatedAt = slip.UpdatedAt;
        AcknowledgeDueAt = slip.AcknowledgeDueAt;
        ShipDueAt = slip.ShipDueAt;
        AcknowledgeEscalated = slip.AcknowledgeEscalated;
        ShipEscalated = slip.ShipEscalated;
        OmsVersion = slip.OmsVersion;
    }
}

/// <summary>One handled event in a slip's story.</summary>
public sealed class PickSlipHistoryEntity : ITableEntity
{
    public const string RowPrefix = "hist|";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public int Sequence { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>Who said it: "oms", "wms:{instance}", "timer" or "operator:{who}".</summary>
    public string Source { get; set; } = "";

    public string EventId { get; set; } = "";

    public string Event { get; set; } = "";

    public string Outcome { get; set; } = "";

    public string? FromState { get; set; }

    public string? ToState { get; set; }

    public string Summary { get; set; } = "";

    public string? FlagReason { get; set; }

    public string? CorrelationId { get; set; }

    /// <summary>The OMS-bound status CloudEvent this event produced (JSON), identical on every replay.</summary>
    public string? StatusEvent { get; set; }

    public static string RowFor(int sequence) => RowPrefix + sequence.ToString("D6", CultureInfo.InvariantCulture);
}

public sealed class PickSlipEventMarkerEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public int Sequence { get; set; }

    public static string RowFor(string source, string eventId) => "evt|" + TableKeys.Join(TableKeys.Escape(source), TableKeys.Escape(eventId));
}

public sealed class PickSlipDeadlineEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Tenant { get; set; } = "";

    public string PickSlipId { get; set; } = "";

    public string Kind { get; set; } = "";

    public DateTimeOffset DueAt { get; set; }

    public static string PartitionFor(DateTimeOffset dueAt) => dueAt.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public static string RowFor(DateTimeOffset dueAt, string tenant, string pickSlipId, DeadlineKind kind) =>
        TableKeys.Join(TableKeys.OldestFirst(dueAt), TableKeys.Escape(tenant), TableKeys.Escape(pickSlipId), kind.ToString());
}

public sealed class PickSlipStateIndexEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string PickSlipId { get; set; } = "";

    public DateTimeOffset EnteredAt { get; set; }

    public static string PartitionFor(string tenant, PickSlipState state) => TableKeys.Join(TableKeys.Escape(tenant), state.ToString());

    public static string RowFor(DateTimeOffset enteredAt, string pickSlipId) =>
        TableKeys.Join(TableKeys.OldestFirst(enteredAt), TableKeys.Escape(pickSlipId));
}

internal static class PickSlipJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
