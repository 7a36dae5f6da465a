using System.Text.Json;
using WmsFunctions.Handler.CustomHandler;

namespace WmsFunctions.UnitTests.CustomHandler;

public class HostValuesTests
{
    private static JsonElement Element(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void DecodeString_DoubleEncodedObject_GivesTheMessageBody() =>
        // What the host sends for the message body {"a":1}: a JSON string whose content is a JSON string literal.
        Assert.Equal("""{"a":1}""", HostValues.DecodeString(Element(""" "\"{\\\"a\\\":1}\"" """)));

    [Fact]
    public void DecodeString_SingleEncodedObject_IsTakenAsItIs() =>
        Assert.Equal("""{"a":1}""", HostValues.DecodeString(Element(""" "{\"a\":1}" """)));

    [Fact]
    public void DecodeString_DoubleEncodedPlainString_IsDecodedOnce() =>
        Assert.Equal("abc-123", HostValues.DecodeString(Element(""" "\"abc-123\"" """)));

    [Fact]
    public void DecodeString_NumberAsString_StaysText() =>
        Assert.Equal("5", HostValues.DecodeString(Element(""" "5" """)));

    [Fact]
    public void DecodeString_Object_GivesItsJson() =>
        Assert.Equal("""{"Last":null}""", HostValues.DecodeString(Element("""{"Last":null}""")));

    [Fact]
    public void DecodeString_QuotedTextThatIsNoLiteral_IsTakenAsItIs() =>
        Assert.Equal("\"a\" and \"b\"", HostValues.DecodeString(Element(""" "\"a\" and \"b\"" """)));

    [Fact]
    public void DecodeString_DoubleEncodedTime_GivesTheTime() =>
        Assert.Equal("2026-11-23T10:00:00+00:00", HostValues.DecodeString(Element(""" "\"2026-11-23T10:00:00+00:00\"" """)));
}
