using System.Runtime.CompilerServices;

namespace WmsFunctions.Flows.Reconciliation;

/// <summary>
/// Full outer join of two streams sorted by the same key (ordinal), one group at a time: memory holds one key's items
/// from each side, never a whole side. This is what lets a reconciliation compare 100,000 SKUs of a WMS with the hub's
/// snapshot while holding one WMS page and one table page. A stream that goes backwards breaks the contract and throws
/// <see cref="UnsortedStreamException"/> rather than reporting wrong differences.
/// </summary>
public static class SortedMerge
{
    public static async IAsyncEnumerable<MergedGroup<TLeft, TRight>> FullOuterJoinAsync<TLeft, TRight>(
        IAsyncEnumerable<TLeft> left,
        Func<TLeft, string> leftKey,
        IAsyncEnumerable<TRight> right,
        Func<TRight, string> rightKey,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var l = new Cursor<TLeft>(left.GetAsyncEnumerator(cancellationToken), leftKey, "left");
        await using var r = new Cursor<TRight>(right.GetAsyncEnumerator(cancellationToken), rightKey, "right");
        await l.MoveAsync().ConfigureAwait(false);
        await r.MoveAsync().ConfigureAwait(false);
        while (l.HasCurrent || r.HasCurrent)
        {
            var key = !r.HasCurrent ? l.Key
                : !l.HasCurrent ? r.Key
                : string.CompareOrdinal(l.Key, r.Key) <= 0 ? l.Key : r.Key;
            var lefts = await l.TakeWhileKeyAsync(key).ConfigureAwait(false);
            var rights = await r.TakeWhileKeyAsync(key).ConfigureAwait(false);
            yield return new MergedGroup<TLeft, TRight>(key, lefts, rights);
        }
    }

    /// <summary>Merges several streams sorted by the same key into one sorted stream (ties in stream order).</summary>
    public static async IAsyncEnumerable<T> MergeSortedAsync<T>(
        IReadOnlyList<IAsyncEnumerable<T>> streams, Func<T, string> key, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var cursors = streams.Select((s, i) => new Cursor<T>(s.GetAsyncEnumerator(cancellationToken), key, $"stream {i}")).ToList();
        try
        {
            foreach (var cursor in cursors)
            {
                await cursor.MoveAsync().ConfigureAwait(false);
            }

            while (true)
            {
                Cursor<T>? next = null;
                foreach (var cursor in cursors.Where(c => c.HasCurrent))
                {
                    if (next is null || string.CompareOrdinal(cursor.Key, next.Key) < 0)
                    {
                        next = cursor;
                    }
                }

                if (next is null)
                {
                    yield break;
                }

                yield return next.Current;
                await next.MoveAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var cursor in cursors)
            {
                await cursor.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private sealed class Cursor<T>(IAsyncEnumerator<T> items, Func<T, string> key, string name) : IAsyncDisposable
    {
        public bool HasCurrent { get; private set; }

        public T Current { get; private set; } = default!;

        public string Key { get; private set; } = "";

        public async ValueTask MoveAsync()
        {
            var previous = HasCurrent ? Key : null;
            HasCurrent = await items.MoveNextAsync().ConfigureAwait(false);
            if (!HasCurrent)
            {
                return;
            }

            Current = items.Current;
            Key = key(Current);
            if (previous is not null && string.CompareOrdinal(Key, previous) < 0)
            {
                throw new UnsortedStreamException($"The {name} stream is not sorted: '{Key}' came after '{previous}'.");
            }
        }

        public async ValueTask<IReadOnlyList<T>> TakeWhileKeyAsync(string wanted)
        {
            if (!HasCurrent || !string.Equals(Key, wanted, StringComparison.Ordinal))
            {
                return [];
            }

            var group = new List<T>(1);
            while (HasCurrent && string.Equals(Key, wanted, StringComparison.Ordinal))
            {
                group.Add(Current);
                await MoveAsync().ConfigureAwait(false);
            }

            return group;
        }

        public ValueTask DisposeAsync() => items.DisposeAsync();
    }
}

/// <summary>Everything both sides hold for one key (either list may be empty, never both).</summary>
public sealed record MergedGroup<TLeft, TRight>(string Key, IReadOnlyList<TLeft> Left, IReadOnlyList<TRight> Right);

/// <summary>A sorted stream went backwards: the merge cannot be trusted, so the run stops and says why.</summary>
public sealed class UnsortedStreamException(string message) : Exception(message);
