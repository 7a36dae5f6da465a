using CsCheck;
using WmsFunctions.Gs1;

namespace WmsFunctions.UnitTests;

public class Gs1IdentifiersTests
{
    [Theory]
    [InlineData("96385074", "00000096385074")]        // GTIN-8
    [InlineData("036000291452", "00036000291452")]    // UPC-A
    [InlineData("4006381333931", "04006381333931")]   // EAN-13
    [InlineData("10012345678902", "10012345678902")]  // GTIN-14
    [InlineData(" 4006381333931 ", "04006381333931")]
    public void TryParseGtin_KnownGood_IsNormalisedTo14Digits(string text, string expected)
    {
        Assert.True(Gs1Identifiers.TryParseGtin(text, out var gtin, out var error), error);
        Assert.Equal(new Gs1Identifier(Gs1Kind.Gtin, expected), gtin);
    }

    [Theory]
    [InlineData("4006381333932", "check digit 2; expected 1")]
    [InlineData("036000291453", "check digit 3; expected 2")]
    [InlineData("40063813339", "11 digits")]
    [InlineData("40063813339A1", "digits only")]
    [InlineData("", "empty")]
    [InlineData(null, "empty")]
    public void TryParseGtin_Corrupted_IsRefusedWithTheReason(string? text, string reason)
    {
        Assert.False(Gs1Identifiers.TryParseGtin(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("106141411234567897", true)]
    [InlineData("00106141411234567897", true)]  // with application identifier (00)
    [InlineData("106141411234567898", false)]
    [InlineData("10614141123456789", false)]
    public void TryParseSscc_ChecksLengthAndCheckDigit(string text, bool valid) =>
        Assert.Equal(valid, Gs1Identifiers.TryParseSscc(text, out _, out _));

    [Theory]
    [InlineData("0614141000012", true)]
    [InlineData("0614141000013", false)]
    public void TryParseGln_ChecksCheckDigit(string text, bool valid) =>
        Assert.Equal(valid, Gs1Identifiers.TryParseGln(text, out _, out _));

    [Fact]
    public void WithCheckDigit_ThenParse_RoundTrips_AndAnySingleDigitChangeIsCaught() =>
        Gen.String[Gen.Char['0', '9'], 17, 17].Sample(serial =>
        {
            var sscc = Gs1Identifiers.WithCheckDigit(serial);
            var valid = Gs1Identifiers.TryParseSscc(sscc, out var parsed, out _) && parsed.Value == sscc;
            var position = serial.Length / 2;
            var changed = sscc[..position] + (char)('0' + ((sscc[position] - '0' + 1) % 10)) + sscc[(position + 1)..];
            return valid && !Gs1Identifiers.TryParseSscc(changed, out _, out _);
        });
}
