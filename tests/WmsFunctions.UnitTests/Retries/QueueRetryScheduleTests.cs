using WmsFunctions.Pipeline.Retries;

namespace WmsFunctions.UnitTests.Retries;

public class QueueRetryScheduleTests
{
    [Fact]
    public void Span_OfAllDelays_OutlastsADay()
    {
        Assert.True(QueueRetrySchedule.Span >= TimeSpan.FromHours(24), $"the schedule spans only {QueueRetrySchedule.Span}");
    }

    [Fact]
    public void Delays_NeverShrink_AndStayWithinAQueueMessagesLongestVisibilityTimeout()
    {
        var delays = QueueRetrySchedule.Delays;

        Assert.All(delays.Zip(delays.Skip(1)), pair => Assert.True(pair.Second >= pair.First, $"{pair.Second} after {pair.First}"));
        Assert.All(delays, delay => Assert.InRange(delay, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7))); // Storage's limit for a hidden message
    }

    [Fact]
    public void Delays_AreTheWrittenDownOnes_OneTwoFiveTenThirtyMinutesThenHourly()
    {
        Assert.Equal(
            [1, 2, 5, 10, 30, .. Enumerable.Repeat(60, 24)],
            QueueRetrySchedule.Delays.Select(d => (int)d.TotalMinutes));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(4, 30)]
    [InlineData(5, 60)]
    [InlineData(28, 60)]
    public void DelayAfter_AGenerationWithinTheSchedule_IsItsDelay(int generation, int minutes)
    {
        Assert.Equal(TimeSpan.FromMinutes(minutes), QueueRetrySchedule.DelayAfter(generation));
    }

    [Theory]
    [InlineData(29)]
    [InlineData(1000)]
    [InlineData(-1)]
    public void DelayAfter_TheScheduleUsedUp_IsNone(int generation)
    {
        Assert.Null(QueueRetrySchedule.DelayAfter(generation));
    }
}
