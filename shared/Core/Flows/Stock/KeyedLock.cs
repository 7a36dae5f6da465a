namespace WmsFunctions.Flows.Stock;

/// <summary>
/// In-process mutual exclusion per key (here: one stock snapshot). Writers of the same snapshot inside one
/// instance queue up instead of racing on its ETag, so a best-selling SKU costs one read and one write per
/// event rather than a storm of 412 retries. ETags still guard against other instances.
/// </summary>
internal sealed class KeyedLock
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Takes the locks of all <paramref name="keys"/>, always in ordinal order, so two callers can never deadlock.</summary>
    public async Task<IDisposable> AcquireAsync(IEnumerable<string> keys, CancellationToken cancellationToken)
    {
        var ordered = keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var held = new List<string>(ordered.Length);
        try
        {
            foreach (var key in ordered)
            {
                Entry entry;
                lock (_entries)
                {
                    if (!_entries.TryGetValue(key, out entry!))
                    {
                        _entries[key] = entry = new Entry();
                    }

                    entry.References++;
                }

                try
                {
                    await entry.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    Forget(key, entry);
                    throw;
                }

                held.Add(key);
            }

            return new Releaser(this, held);
        }
        catch
        {
            Release(held);
            throw;
        }
    }

    private void Release(List<string> keys)
    {
        foreach (var key in keys)
        {
            Entry entry;
            lock (_entries)
            {
                entry = _entries[key];
            }

            entry.Semaphore.Release();
            Forget(key, entry);
        }
    }

    private void Forget(string key, Entry entry)
    {
        lock (_entries)
        {
            if (--entry.References == 0)
            {
                _entries.Remove(key);
                entry.Semaphore.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int References { get; set; }
    }

    private sealed class Releaser(KeyedLock owner, List<string> keys) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(keys);
            }
        }
    }
}
