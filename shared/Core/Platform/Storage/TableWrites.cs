using Azure.Data.Tables;

namespace WmsFunctions.Platform.Storage;

public static class TableWrites
{
    /// <summary>
    /// Writes back a row that was read (replaced under the ETag it was read with) or found missing (added), so a
    /// concurrent writer makes this fail with 412 or 409 instead of being overwritten.
    /// </summary>
    public static async Task SaveAsync<T>(this TableClient table, T row, bool exists, CancellationToken cancellationToken)
        where T : ITableEntity
    {
        if (exists)
        {
            await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
        }
    }
}
