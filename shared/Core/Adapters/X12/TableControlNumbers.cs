using System.Globalization;
using Azure;
using Azure.Data.Tables;
using WmsFunctions.Edi;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Adapters.X12;

/// <summary>One counter: the next control number of one kind for one partner scope.</summary>
public sealed class ControlNumberEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    /// <summary>The next number to hand out (1 to 999,999,999).</summary>
    public int Next { get; set; } = 1;

    public static string PartitionFor(string scope) => TableKeys.Escape(scope);

    public static string RowFor(X12ControlNumberKind kind) => kind.ToString();
}

/// <summary>
/// Control numbers kept in Table Storage (table X12ControlNumbers), one row per partner scope and kind. A block
/// is reserved by an ETag-guarded update of the row (an insert for the first block): two senders racing for the
/// same row cannot both win, the loser reads again and takes the next block, so no number is ever handed out
/// twice, whatever runs concurrently, in this process or another. A number reserved for an interchange that is
/// then never sent is simply skipped (X12 allows gaps; never reuse).
/// </summary>
public sealed class TableControlNumbers(HubStorage storage) : IControlNumbers
{
    private const int MaxRaces = 64;

    public async ValueTask<int> ReserveAsync(string scope, X12ControlNumberKind kind, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, X12ControlNumbers.Max);
        var table = await storage.TableAsync(HubTable.X12ControlNumbers, cancellationToken).ConfigureAwait(false);
        var (partition, row) = (ControlNumberEntity.PartitionFor(scope), ControlNumberEntity.RowFor(kind));
        for (var race = 0; race < MaxRaces; race++)
        {
            var current = await table.GetEntityIfExistsAsync<ControlNumberEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
            var start = current.HasValue ? current.Value!.Next : 1;
            var next = new ControlNumberEntity { PartitionKey = partition, RowKey = row, Next = X12ControlNumbers.After(start, count) };
            try
            {
                if (current.HasValue)
                {
                    await table.UpdateEntityAsync(next, current.Value!.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await table.AddEntityAsync(next, cancellationToken).ConfigureAwait(false);
                }

                return start;
            }
            catch (RequestFailedException raced) when (raced.Status is 409 or 412)
            {
                // Another sender took this block first: read its result and try the next one.
                await Task.Delay(Random.Shared.Next(1, 5 + race * 2), cancellationToken).ConfigureAwait(false);
            }
        }

        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
            $"The {kind} control number of '{scope}' stayed contended for {MaxRaces} tries; the message is delivered again."));
    }
}
