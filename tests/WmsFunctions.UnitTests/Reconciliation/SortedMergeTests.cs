using CsCheck;
using WmsFunctions.Flows.Reconciliation;

namespace WmsFunctions.UnitTests.Reconciliation;

public sealed class SortedMergeTests
{
    private static readonly Gen<string> Key = Gen.String[Gen.Char["abcAB0-|%"], 0, 3];

    private static readonly Gen<(string Key, int Value)[]> SortedSide =
        Gen.Select(Key, Gen.Int[-5, 5]).Array[0, 40].Select(items => items.OrderBy(i => i.Item1, StringComparer.Ordinal).ToArray());

    [Fact]
    public void FullOuterJoin_OfTwoSortedStreams_GivesTheSameAsADictionaryComparison()
    {
        Gen.Select(SortedSide, SortedSide).Sample(sides =>
        {
            var (left, right) = sides;
            var merged = SortedMerge.FullOuterJoinAsync(left.ToAsyncEnumerable(), l => l.Key, right.ToAsyncEnumerable(), r => r.Key)
                .ToListAsync().AsTask().GetAwaiter().GetResult();

            var byKeyLeft = left.GroupBy(l => l.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(x => x.Value).ToList(), StringComparer.Ordinal);
            var byKeyRight = right.GroupBy(r => r.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(x => x.Value).ToList(), StringComparer.Ordinal);
            var expected = byKeyLeft.Keys.Union(byKeyRight.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal)
                .Select(k => (k, string.Join(",", byKeyLeft.GetValueOrDefault(k) ?? []), string.Join(",", byKeyRight.GetValueOrDefault(k) ?? [])))
                .ToList();
            var actual = merged.Select(g => (g.Key, string.Join(",", g.Left.Select(l => l.Value)), string.Join(",", g.Right.Select(r => r.Value)))).ToList();
            return expected.SequenceEqual(actual);
        });
    }

    [Fact]
    public void MergeSorted_OfSeveralSortedStreams_IsSortedAndLosesNothing()
    {
        SortedSide.Array[0, 4].Sample(streams =>
        {
            var merged = SortedMerge.MergeSortedAsync(streams.Select(s => s.ToAsyncEnumerable()).ToList(), i => i.Key)
                .ToListAsync().AsTask().GetAwaiter().GetResult();
            var keys = merged.Select(m => m.Key).ToList();
            return keys.SequenceEqual(keys.Order(StringComparer.Ordinal))
                && merged.Select(m => $"{m.Key}:{m.Value}").Order().SequenceEqual(streams.SelectMany(s => s).Select(m => $"{m.Key}:{m.Value}").Order());
        });
    }

    [Fact]
    public async Task FullOuterJoin_StreamGoingBackwards_Throws()
    {
        var left = new[] { "a", "c", "b" }.ToAsyncEnumerable();
        var right = new[] { "a" }.ToAsyncEnumerable();

        var error = await Assert.ThrowsAsync<UnsortedStreamException>(async () =>
        {
            await foreach (var _ in SortedMerge.FullOuterJoinAsync(left, l => l, right, r => r, TestContext.Current.CancellationToken))
            {
            }
        });

        Assert.Contains("'b' came after 'c'", error.Message, StringComparison.Ordinal);
    }
}
