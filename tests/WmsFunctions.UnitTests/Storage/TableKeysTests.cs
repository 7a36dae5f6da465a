using CsCheck;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.UnitTests.Storage;

public class TableKeysTests
{
    private static readonly char[] Forbidden = ['/', '\\', '#', '?'];

    [Theory]
    [InlineData("SKU-123", "SKU-123")]
    [InlineData("A/B", "A%2FB")]
    [InlineData("50%", "50%25")]
    [InlineData("x|y", "x%7Cy")]
    [InlineData("tab\there", "tab%09here")]
    public void Escape_KnownValues_AreEncoded(string value, string expected) =>
        Assert.Equal(expected, TableKeys.Escape(value));

    [Fact]
    public void Escape_AnyString_HasNoForbiddenCharacterOrSeparator() =>
        Gen.String.Sample(value =>
        {
            var escaped = TableKeys.Escape(value);
            return escaped.IndexOfAny(Forbidden) < 0 && !escaped.Contains(TableKeys.Separator, StringComparison.Ordinal) && !escaped.Any(char.IsControl);
        });

    [Fact]
    public void Escape_TwoDifferentStrings_NeverShareAKey() =>
        Gen.Select(Gen.String, Gen.String).Sample((a, b) => a == b || TableKeys.Escape(a) != TableKeys.Escape(b));

    [Fact]
    public void NewestFirst_LaterTime_SortsBefore()
    {
        var earlier = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
        Assert.True(string.CompareOrdinal(TableKeys.NewestFirst(earlier.AddTicks(1)), TableKeys.NewestFirst(earlier)) < 0);
        Assert.True(string.CompareOrdinal(TableKeys.OldestFirst(earlier.AddTicks(1)), TableKeys.OldestFirst(earlier)) > 0);
    }

    [Fact]
    public void PrefixEnd_BoundsEveryKeyWithThePrefix()
    {
        var end = TableKeys.PrefixEnd("move|SKU|");
        Assert.True(string.CompareOrdinal("move|SKU|\uffff", end) < 0);
        Assert.True(string.CompareOrdinal("move|SKU}", end) >= 0);
    }
}
