using System.Globalization;
using Azure;
using Azure.Data.Tables;
using WmsFunctions.Edi;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Adapters.X12;

/// <summary>Where an interchange the hub sent stands (stored by name).</summary>
public enum X12InterchangeStatus
{
    /// <summary>Written and handed to the transport; no 997 yet.</summary>
    Sent,

    /// <summary>The partner's 997 accepted the set (AK5 A or E).</summary>
    Accepted,

    /// <summary>The partner's 997 rejected the set (AK5 R, or AK9 R for the group): a failed sync was recorded.</summary>
    Rejected,
}

/// <summary>
/// One interchange the hub sent to an X12 partner (one functional group holding one transaction set), so the
/// partner's 997 can be matched to the flow and entity it acknowledges. Partition: tenant|instance; row:
/// functional id|GS06, the key a 997's AK1 names.
/// </summary>
public sealed class X12InterchangeEntity : ITableEntity
{
    public const int MaxTextChars = 30_000;

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Tenant { get; set; } = "";

    public string Instance { get; set; } = "";

    public int InterchangeControlNumber { get; set; }

    public string FunctionalId { get; set; } = "";

    public int GroupControlNumber { get; set; }

    public string SetId { get; set; } = "";

    public string SetControlNumber { get; set; } = "";

    /// <summary>The OMS -> WMS flow (pick-slips, purchase-orders, return-authorizations).</summary>
    public string Flow { get; set; } = "";

    public string EntityId { get; set; } = "";

    public long Version { get; set; }

    /// <summary>The OMS message the interchange was written for.</summary>
    public string MessageId { get; set; } = "";

    public X12InterchangeStatus Status { get; set; } = X12InterchangeStatus.Sent;

    public DateTimeOffset SentAt { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    /// <summary>The 997 set that acknowledged it (its event id).</summary>
    public string? AcknowledgedBy { get; set; }

    /// <summary>What the 997 said (codes and positions) when it rejected the set.</summary>
    public string? Detail { get; set; }

    /// <summary>The interchange as sent (up to <see cref="MaxTextChars"/>), for the failed sync's detail of a rejection.</summary>
    public string Text { get; set; } = "";

    /// <summary>
    /// How many properties (Message0..) hold the OMS message the interchange was written from: a rejection's failed
    /// sync stores it, so the replay runs it through the dispatcher again (new control numbers, the fixed mapping).
    /// </summary>
    public int MessageChunks { get; set; }

    public static string PartitionFor(string tenant, string instance) => TableKeys.Join(TableKeys.Escape(tenant), TableKeys.Escape(instance));

    public static string RowFor(string functionalId, int groupControlNumber) =>
        TableKeys.Join(TableKeys.Escape(functionalId), groupControlNumber.ToString("D9", CultureInfo.InvariantCulture));
}

/// <summary>The interchanges sent to X12 partners (table X12Interchanges) and what their 997s said.</summary>
public sealed class X12InterchangeLog(HubStorage storage, TimeProvider time)
{
    /// <summary>Records an interchange before it is sent (a 997 may come back before the POST returns).</summary>
    public async Task RecordAsync(
        string tenant, string instance, X12Outbound sent, string flow, string entityId, long version, string messageId, string? message, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.X12Interchanges, cancellationToken).ConfigureAwait(false);
        foreach (var group in sent.Groups)
        {
            foreach (var set in group.Sets)
            {
                // Group numbers are never reused (until they wrap after 999,999,999): Upsert keeps the newest on a wrap.
                // The message goes into the same row before the interchange is sent; a crash in between sends nothing.
                var chunks = message is null ? [] : message.Chunk(X12InterchangeEntity.MaxTextChars).Select(c => new string(c)).ToArray();
                var written = await table.UpsertEntityAsync(
                    new X12InterchangeEntity
                    {
                        PartitionKey = X12InterchangeEntity.PartitionFor(tenant, instance),
                        RowKey = X12InterchangeEntity.RowFor(group.FunctionalId, group.ControlNumber),
                        Tenant = tenant,
                        Instance = instance,
                        InterchangeControlNumber = sent.InterchangeControlNumber,
                        FunctionalId = group.FunctionalId,
                        GroupControlNumber = group.ControlNumber,
                        SetId = set.SetId,
                        SetControlNumber = set.ControlNumber,
                        Flow = flow,
                        EntityId = entityId,
                        Version = version,
                        MessageId = messageId,
                        SentAt = time.GetUtcNow(),
                        Text = sent.Text.Length <= X12InterchangeEntity.MaxTextChars ? sent.Text : sent.Text[..X12InterchangeEntity.MaxTextChars],
                        MessageChunks = chunks.Length,
                    },
                    TableUpdateMode.Replace,
                    cancellationToken).ConfigureAwait(false);
                if (chunks.Length > 0)
                {
                    var body = new TableEntity(X12InterchangeEntity.PartitionFor(tenant, instance), X12InterchangeEntity.RowFor(group.FunctionalId, group.ControlNumber));
                    for (var i = 0; i < chunks.Length; i++)
                    {
                        body[MessageProperty(i)] = chunks[i];
                    }

                    await table.UpdateEntityAsync(body, written.Headers.ETag ?? ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>The OMS message an interchange was written from; null for a row written before messages were kept.</summary>
    public async Task<string?> ReadMessageAsync(X12InterchangeEntity row, CancellationToken cancellationToken)
    {
        if (row.MessageChunks == 0)
        {
            return null;
        }

        var table = await storage.TableAsync(HubTable.X12Interchanges, cancellationToken).ConfigureAwait(false);
        var columns = Enumerable.Range(0, row.MessageChunks).Select(MessageProperty).ToList();
        var stored = (await table.GetEntityAsync<TableEntity>(row.PartitionKey, row.RowKey, columns, cancellationToken).ConfigureAwait(false)).Value;
        return string.Concat(columns.Select(c => stored.GetString(c)));
    }

    private static string MessageProperty(int index) => "Message" + index.ToString(CultureInfo.InvariantCulture);

    public async Task<X12InterchangeEntity?> FindAsync(string tenant, string instance, string functionalId, int groupControlNumber, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.X12Interchanges, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<X12InterchangeEntity>(
            X12InterchangeEntity.PartitionFor(tenant, instance), X12InterchangeEntity.RowFor(functionalId, groupControlNumber),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>
    /// Records the 997's verdict once: true when this call moved the row from Sent, false when a 997 had already
    /// decided it (a repeated 997 changes nothing; a later, contradicting one neither: the first verdict stands).
    /// </summary>
    public async Task<bool> AcknowledgeAsync(X12InterchangeEntity row, X12InterchangeStatus status, string acknowledgedBy, string? detail, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.X12Interchanges, cancellationToken).ConfigureAwait(false);
        for (var race = 0; race < 8; race++)
        {
            if (row.Status != X12InterchangeStatus.Sent)
            {
                return false;
            }

            row.Status = status;
            row.AcknowledgedAt = time.GetUtcNow();
            row.AcknowledgedBy = acknowledgedBy;
            row.Detail = detail;
            try
            {
                await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false); // Merge: the message stays
                return true;
            }
            catch (RequestFailedException raced) when (raced.Status == 412)
            {
                row = (await table.GetEntityAsync<X12InterchangeEntity>(row.PartitionKey, row.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            }
        }

        throw new InvalidOperationException($"Interchange row {row.RowKey} kept changing.");
    }
}
