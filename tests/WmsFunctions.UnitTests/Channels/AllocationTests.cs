using CsCheck;
using WmsFunctions.Flows.Channels;

namespace WmsFunctions.UnitTests.Channels;

public class AllocationTests
{
    [Theory]
    [InlineData(100, 30, 5, 65)]
    [InlineData(10, 12, 0, 0)]
    [InlineData(10, 5, 6, 0)]
    public void AvailableToSell_SubtractsReservationsAndSafetyStock_NeverBelowZero(long onHand, long reserved, long safety, long expected) =>
        Assert.Equal(expected, Allocation.AvailableToSell(onHand, reserved, safety));

    [Fact]
    public void Split_PriorityFirstUpToItsCap_ThenSharesOfTheRest()
    {
        var split = Allocation.Split(100, [new("webshop", Priority: true, Cap: 30), new("amazon", Percent: 60), new("ebay", Percent: 40)]);

        Assert.Equal(30, split["webshop"]);
        Assert.Equal(42, split["amazon"]);
        Assert.Equal(28, split["ebay"]);
    }

    [Fact]
    public void Split_TheLastUnit_GoesToTheLargestRemainder_NotLostToRounding()
    {
        var split = Allocation.Split(1, [new("amazon", Percent: 50), new("ebay", Percent: 50)]);

        Assert.Equal(1, split.Values.Sum());
    }

    [Fact]
    public void Split_SharesUnder100_KeepTheRestBack()
    {
        var split = Allocation.Split(10, [new("amazon", Percent: 30), new("ebay", Percent: 30)]);

        Assert.Equal(6, split.Values.Sum());
    }

    [Fact]
    public void Split_CappedChannel_NeverGetsMore_EvenWithTheRemainders()
    {
        var split = Allocation.Split(101, [new("amazon", Percent: 50, Cap: 10), new("ebay", Percent: 50)]);

        Assert.Equal(10, split["amazon"]);
        Assert.Equal(51, split["ebay"]);
    }

    [Fact]
    public void Split_SharesAbove100_AreRefused() =>
        Assert.Throws<ArgumentException>(() => Allocation.Split(10, [new("a", Percent: 60), new("b", Percent: 50)]));

    [Fact]
    public void Split_AnyRules_NoChannelAboveItsCap_NothingNegative_NeverMoreThanAvailable()
    {
        var rule = Gen.Select(Gen.Bool, Gen.Int[0, 3], Gen.Int[0, 100], Gen.Frequency((1, Gen.Const((long?)null)), (2, Gen.Long[0, 50].Select(c => (long?)c))))
            .Select((priority, order, percent, cap) => (priority, order, percent, cap));
        Gen.Select(Gen.Long[0, 10_000], rule.Array[1, 6]).Sample((available, raw) =>
        {
            // Scale the shares so they sum to at most 100, as configuration validation guarantees.
            var total = raw.Where(r => !r.priority).Sum(r => r.percent);
            var rules = raw.Select((r, i) => new ChannelRule($"c{i}", r.priority, r.order,
                r.priority || total == 0 ? 0 : Math.Floor(r.percent * 100m / Math.Max(100, total)), r.cap)).ToArray();

            var split = Allocation.Split(available, rules);

            return split.Values.Sum() <= available
                && split.Values.All(v => v >= 0)
                && rules.All(r => r.Cap is null || split[r.Channel] <= r.Cap);
        });
    }

    [Fact]
    public void Split_SharesOf100WithoutCaps_ShowEveryUnit() =>
        Gen.Select(Gen.Long[0, 10_000], Gen.Int[1, 99]).Sample((available, percent) =>
            Allocation.Split(available, [new("a", Percent: percent), new("b", Percent: 100 - percent)]).Values.Sum() == available);
}
