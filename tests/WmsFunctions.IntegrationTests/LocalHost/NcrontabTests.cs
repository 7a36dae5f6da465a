using WmsFunctions.LocalHost;

namespace WmsFunctions.IntegrationTests.LocalHost;

public class NcrontabTests
{
    private static readonly DateTime Monday = new(2026, 11, 23, 10, 15, 30, DateTimeKind.Utc);

    [Theory]
    [InlineData("0 */1 * * * *", "2026-11-23T10:16:00")]
    [InlineData("*/10 * * * * *", "2026-11-23T10:15:40")]
    [InlineData("0 0 * * * *", "2026-11-23T11:00:00")]
    [InlineData("0 30 9 * * *", "2026-11-24T09:30:00")]
    [InlineData("0 0 0 1 * *", "2026-12-01T00:00:00")]
    [InlineData("0 0 6 * * 6", "2026-11-28T06:00:00")]      // next Saturday
    [InlineData("0 0 6 * * 0", "2026-11-29T06:00:00")]      // Sunday as 0
    [InlineData("0 0 6 * * 7", "2026-11-29T06:00:00")]      // and as 7
    [InlineData("0 0 8-17/3 * * 1-5", "2026-11-23T11:00:00")]
    [InlineData("15,45 * * * * *", "2026-11-23T10:15:45")]
    [InlineData("0 0 0 29 2 *", "2028-02-29T00:00:00")]
    public void Next_IsTheFirstOccurrenceAfter(string expression, string expected) =>
        Assert.Equal(DateTime.Parse(expected, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal),
            Ncrontab.Parse(expression).Next(Monday));

    [Fact]
    public void Next_IsStrictlyAfter_AnOccurrenceItself_AndIgnoresMilliseconds()
    {
        var everyMinute = Ncrontab.Parse("0 * * * * *");
        var occurrence = new DateTime(2026, 11, 23, 10, 16, 0, DateTimeKind.Utc);

        Assert.Equal(occurrence, everyMinute.Next(occurrence.AddMilliseconds(-1)));
        Assert.Equal(occurrence.AddMinutes(1), everyMinute.Next(occurrence));
        Assert.Equal(occurrence.AddMinutes(1), everyMinute.Next(occurrence.AddMilliseconds(500)));
    }

    [Theory]
    [InlineData("0 */1 * * *")]
    [InlineData("60 * * * * *")]
    [InlineData("0 5-1 * * * *")]
    [InlineData("0 */0 * * * *")]
    [InlineData("x * * * * *")]
    public void Parse_BadExpression_IsRefused(string expression) =>
        Assert.Throws<FormatException>(() => Ncrontab.Parse(expression));
}
