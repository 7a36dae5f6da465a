using System.Text;
using Microsoft.AspNetCore.Http;
using WmsFunctions.Handler.Http;

namespace WmsFunctions.UnitTests.Http;

/// <summary>The one body reader: each caller's statuses and problem types, as they were before it was shared.</summary>
public sealed class RequestBodyTests
{
    private sealed record Reason(string? Text);

    private static DefaultHttpContext Request(string? body, string? contentType, bool sendLength = true)
    {
        var context = new DefaultHttpContext();
        var bytes = Encoding.UTF8.GetBytes(body ?? "");
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentType = contentType;
        context.Request.ContentLength = body is null ? null : sendLength ? bytes.Length : null;
        return context;
    }

    [Fact]
    public async Task ReadJsonAsync_NoBodyAndNoType_IsMalformedJson_UnlessEmptyIsAllowed()
    {
        var (_, refused) = await RequestBody.ReadJsonAsync<Reason>(Request(null, null), 1024);
        var (value, allowed) = await RequestBody.ReadJsonAsync<Reason>(Request(null, null), 1024, allowEmpty: true);

        Assert.Equal(("malformed-json", 400), (refused!.Type, refused.Status));
        Assert.Null(value);
        Assert.Null(allowed);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task ReadJsonAsync_NotJson_Is415(string contentType)
    {
        var (_, problem) = await RequestBody.ReadJsonAsync<Reason>(Request("""{"text":"x"}""", contentType), 1024);

        Assert.Equal(("unsupported-media-type", 415), (problem!.Type, problem.Status));
    }

    [Fact]
    public async Task ReadJsonAsync_JsonWithACharset_IsRead()
    {
        var (value, problem) = await RequestBody.ReadJsonAsync<Reason>(Request("""{"text":"x"}""", "application/json; charset=utf-8"), 1024);

        Assert.Null(problem);
        Assert.Equal("x", value!.Text);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReadJsonAsync_OverTheLimit_Is413_WithOrWithoutContentLength(bool sendLength)
    {
        var body = $$"""{"text":"{{new string('a', 100)}}"}""";

        var (_, problem) = await RequestBody.ReadJsonAsync<Reason>(Request(body, "application/json", sendLength), 64);

        Assert.Equal(("payload-too-large", 413), (problem!.Type, problem.Status));
    }

    [Fact]
    public async Task ReadJsonAsync_AnyContentType_ReadsABodyWithoutOne()
    {
        var (value, problem) = await RequestBody.ReadJsonAsync<Reason>(Request("""{"text":"x"}""", null), 1024, anyContentType: true);

        Assert.Null(problem);
        Assert.Equal("x", value!.Text);
    }

    [Fact]
    public async Task ReadJsonAsync_NotJsonInside_IsMalformedJson()
    {
        var (_, problem) = await RequestBody.ReadJsonAsync<Reason>(Request("""{"text":""", "application/json"), 1024);

        Assert.Equal(("malformed-json", 400), (problem!.Type, problem.Status));
    }

    [Fact]
    public async Task ReadAsync_ExactlyAtTheLimit_IsRead_OneByteMoreIsNot()
    {
        var atLimit = await RequestBody.ReadAsync(Request(new string('a', 64), "text/plain", sendLength: false).Request, 64, TestContext.Current.CancellationToken);
        var over = await RequestBody.ReadAsync(Request(new string('a', 65), "text/plain", sendLength: false).Request, 64, TestContext.Current.CancellationToken);

        Assert.Equal(64, atLimit!.Value.Length);
        Assert.Null(over);
    }
}
