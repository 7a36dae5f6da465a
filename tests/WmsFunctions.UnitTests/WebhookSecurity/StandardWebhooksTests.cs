using System.Text;
using WmsFunctions.Pipeline.Webhooks;

namespace WmsFunctions.UnitTests.WebhookSecurity;

public class StandardWebhooksTests
{
    // The reference vector of the Standard Webhooks libraries (secret, message id, timestamp, payload -> signature).
    private const string VectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string VectorId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const string VectorTimestamp = "1614265330";
    private const string VectorPayload = "{\"test\": 2432232314}";
    private const string VectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static readonly DateTimeOffset VectorTime = DateTimeOffset.FromUnixTimeSeconds(1614265330);

    private static byte[] Secret(string whsec) => StandardWebhooks.TryParseSecret(whsec, out var secret) ? secret : throw new ArgumentException(whsec);

    private static byte[] Body(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void Sign_ReferenceVector_GivesTheReferenceSignature() =>
        Assert.Equal(VectorSignature, StandardWebhooks.Sign(Secret(VectorSecret), VectorId, VectorTimestamp, Body(VectorPayload)));

    [Fact]
    public void Verify_ReferenceVector_IsValid() =>
        Assert.True(StandardWebhooks.Verify(VectorId, VectorTimestamp, VectorSignature, Body(VectorPayload), [Secret(VectorSecret)]));

    [Theory]
    [InlineData("{\"test\": 2432232315}")] // one digit changed
    [InlineData("{\"test\":2432232314}")] // whitespace: the signature covers the raw bytes
    [InlineData("{\"test\": 2432232314}\n")]
    public void Verify_TamperedBody_Fails(string body) =>
        Assert.False(StandardWebhooks.Verify(VectorId, VectorTimestamp, VectorSignature, Body(body), [Secret(VectorSecret)]));

    [Fact]
    public void Verify_OtherIdOrTimestamp_Fails()
    {
        Assert.False(StandardWebhooks.Verify("msg_other", VectorTimestamp, VectorSignature, Body(VectorPayload), [Secret(VectorSecret)]));
        Assert.False(StandardWebhooks.Verify(VectorId, "1614265331", VectorSignature, Body(VectorPayload), [Secret(VectorSecret)]));
    }

    [Fact]
    public void Verify_WrongSecret_Fails() =>
        Assert.False(StandardWebhooks.Verify(VectorId, VectorTimestamp, VectorSignature, Body(VectorPayload), [Secret(StandardWebhooks.NewSecret())]));

    [Fact]
    public void Verify_RotatedSecrets_EitherSignatureOrEitherSecretVerifies()
    {
        var (old, next) = (Secret(VectorSecret), Secret(StandardWebhooks.NewSecret()));
        var signedWithNext = StandardWebhooks.Sign(next, VectorId, VectorTimestamp, Body(VectorPayload));
        var both = $"{VectorSignature} {signedWithNext}";

        Assert.True(StandardWebhooks.Verify(VectorId, VectorTimestamp, both, Body(VectorPayload), [next])); // hub already dropped the old secret
        Assert.True(StandardWebhooks.Verify(VectorId, VectorTimestamp, both, Body(VectorPayload), [old])); // hub not yet given the new one
        Assert.True(StandardWebhooks.Verify(VectorId, VectorTimestamp, VectorSignature, Body(VectorPayload), [next, old])); // sender still on the old one
        Assert.False(StandardWebhooks.Verify(VectorId, VectorTimestamp, signedWithNext, Body(VectorPayload), [old]));
    }

    [Fact]
    public void Verify_OtherVersionsAndBrokenEntries_AreIgnored_TheValidOneCounts()
    {
        var header = $"v1a,{VectorSignature[3..]} v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1,not-base64!! v1,AAAA {VectorSignature}";

        Assert.True(StandardWebhooks.Verify(VectorId, VectorTimestamp, header, Body(VectorPayload), [Secret(VectorSecret)]));
        Assert.False(StandardWebhooks.Verify(VectorId, VectorTimestamp, $"v2,{VectorSignature[3..]}", Body(VectorPayload), [Secret(VectorSecret)]));
    }

    [Theory]
    [InlineData(-300, SignatureHeadersCheck.Valid)]
    [InlineData(300, SignatureHeadersCheck.Valid)]
    [InlineData(-301, SignatureHeadersCheck.TooOld)]
    [InlineData(301, SignatureHeadersCheck.TooNew)]
    [InlineData(-86_400, SignatureHeadersCheck.TooOld)]
    public void CheckHeaders_TimestampFiveMinutesEitherWay_IsTheLimit(int offsetSeconds, SignatureHeadersCheck expected)
    {
        var now = VectorTime.AddSeconds(-offsetSeconds); // the message was sent offsetSeconds away from "now"

        Assert.Equal(expected, StandardWebhooks.CheckHeaders(VectorId, VectorTimestamp, VectorSignature, now));
    }

    [Theory]
    [InlineData(null, VectorTimestamp, VectorSignature, SignatureHeadersCheck.Missing)]
    [InlineData(VectorId, null, VectorSignature, SignatureHeadersCheck.Missing)]
    [InlineData(VectorId, VectorTimestamp, null, SignatureHeadersCheck.Missing)]
    [InlineData("msg with space", VectorTimestamp, VectorSignature, SignatureHeadersCheck.MalformedId)]
    [InlineData(VectorId, "2021-02-25T15:02:10Z", VectorSignature, SignatureHeadersCheck.MalformedTimestamp)]
    [InlineData(VectorId, "-1614265330", VectorSignature, SignatureHeadersCheck.MalformedTimestamp)]
    [InlineData(VectorId, "1614265330.5", VectorSignature, SignatureHeadersCheck.MalformedTimestamp)]
    [InlineData(VectorId, VectorTimestamp, "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", SignatureHeadersCheck.MalformedSignature)]
    [InlineData(VectorId, VectorTimestamp, "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", SignatureHeadersCheck.MalformedSignature)]
    public void CheckHeaders_MissingOrMalformed_SaysWhich(string? id, string? timestamp, string? signature, SignatureHeadersCheck expected) =>
        Assert.Equal(expected, StandardWebhooks.CheckHeaders(id, timestamp, signature, VectorTime));

    [Fact]
    public void CheckHeaders_OverlongIdOrSignature_AreMalformed()
    {
        Assert.Equal(SignatureHeadersCheck.MalformedId, StandardWebhooks.CheckHeaders(new string('m', 129), VectorTimestamp, VectorSignature, VectorTime));
        var many = string.Join(' ', Enumerable.Repeat(VectorSignature, 60));
        Assert.Equal(SignatureHeadersCheck.MalformedSignature, StandardWebhooks.CheckHeaders(VectorId, VectorTimestamp, many, VectorTime));
    }

    [Theory]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")] // no prefix
    [InlineData("whsec_")]
    [InlineData("whsec_c2hvcnQ=")] // 5 bytes
    [InlineData("whsec_not base64")]
    public void TryParseSecret_WithoutPrefixOrTooShortOrNotBase64_IsRefused(string value) =>
        Assert.False(StandardWebhooks.TryParseSecret(value, out _));

    [Fact]
    public void TryParseSecret_ReferenceSecret_Gives24Bytes_AndNewSecretsParse()
    {
        Assert.Equal(24, Secret(VectorSecret).Length);
        Assert.Equal(32, Secret(StandardWebhooks.NewSecret()).Length);
    }
}
