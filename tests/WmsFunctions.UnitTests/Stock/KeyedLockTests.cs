using WmsFunctions.Flows.Stock;

namespace WmsFunctions.UnitTests.Stock;

public class KeyedLockTests
{
    [Fact]
    public async Task AcquireAsync_SameKey_IsExclusive_OtherKeysAreNot()
    {
        var locks = new KeyedLock();
        var first = await locks.AcquireAsync(["a"], TestContext.Current.CancellationToken);

        var sameKey = locks.AcquireAsync(["a"], TestContext.Current.CancellationToken);
        var otherKey = locks.AcquireAsync(["b"], TestContext.Current.CancellationToken);

        Assert.True(otherKey.IsCompletedSuccessfully);
        Assert.False(sameKey.IsCompleted);
        first.Dispose();
        (await sameKey).Dispose();
        (await otherKey).Dispose();
    }

    [Fact]
    public async Task AcquireAsync_OverlappingKeySets_InAnyOrder_NeverDeadlock()
    {
        var locks = new KeyedLock();
        var inside = 0;
        var maxInside = 0;

        await Parallel.ForEachAsync(Enumerable.Range(0, 400), TestContext.Current.CancellationToken, async (i, ct) =>
        {
            string[] keys = i % 2 == 0 ? ["x", "y"] : ["y", "x"];
            using (await locks.AcquireAsync(keys, ct))
            {
                var now = Interlocked.Increment(ref inside);
                InterlockedMax(ref maxInside, now);
                await Task.Yield();
                Interlocked.Decrement(ref inside);
            }
        });

        Assert.Equal(1, maxInside);
    }

    [Fact]
    public async Task AcquireAsync_Cancelled_WhileWaiting_LeavesTheLockUsable()
    {
        var locks = new KeyedLock();
        var held = await locks.AcquireAsync(["k"], TestContext.Current.CancellationToken);
        using var cancel = new CancellationTokenSource();

        var waiting = locks.AcquireAsync(["k"], cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();
        using var again = await locks.AcquireAsync(["k"], TestContext.Current.CancellationToken);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
