using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Testing;
using Polly.Timeout;
using WmsFunctions.Flows;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.UnitTests.Support;

namespace WmsFunctions.UnitTests.Outbound;

public sealed class OutboundEnvelopeTests
{
    [Fact]
    public void CloudEvent_WithEverything_IsRead()
    {
        const string body = """{"specversion":"1.0","id":"e-1","source":"/oms","type":"com.wmsfunctions.oms.item.changed","tenant":"acme","time":"2026-11-23T10:00:00Z","correlationid":"c-1","data":{"sku":"A"}}""";

        Assert.True(OmsMessage.TryParse(body, out var message, out var error), error);
        Assert.Equal(("e-1", "acme", "com.wmsfunctions.oms.item.changed", "c-1"), (message.Id, message.Tenant, message.Type, message.CorrelationId));
        Assert.Equal("A", message.Data.GetProperty("sku").GetString());
    }

    [Theory]
    [InlineData("""{"specversion":"1.0","id":"e","source":"/o","type":"t","data":{}}""", "'tenant' is required")]
    [InlineData("""{"specversion":"1.0","id":"e","source":"/o","type":"t","tenant":"acme","data":[1]}""", "'data' must be a JSON object")]
    [InlineData("""{"specversion":"1.0","id":" e","source":"/o","type":"t","tenant":"acme","data":{}}""", "'id' must be a non-empty string")]
    [InlineData("""{"specversion":"1.0","id":"e","source":"/o","type":"t","tenant":"acme","time":"yesterday","data":{}}""", "'time' must be an RFC 3339 timestamp")]
    [InlineData("""{"specversion":"1.0","id":"e","source":"/o","type":"t","tenant":"acme","datacontenttype":"text/xml","data":{}}""", "'datacontenttype' must be application/json")]
    [InlineData("""[]""", "must be a CloudEvents 1.0 JSON object")]
    [InlineData("""{"id":""", "is not JSON")]
    public void CloudEvent_Broken_IsRefusedWithTheReason(string body, string reason)
    {
        Assert.False(OmsMessage.TryParse(body, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void CloudEvent_TooLarge_IsRefused() =>
        Assert.False(OmsMessage.TryParse(new string(' ', OmsMessage.MaxBodyChars + 1), out _, out _));

    [Fact]
    public void RetryAfter_IsReadAsDeltaOrDate_On429And503Only()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        using var delta = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        delta.Headers.Add("Retry-After", "7");
        using var date = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        date.Headers.Add("Retry-After", "Mon, 23 Nov 2026 10:00:30 GMT");
        using var other = new HttpResponseMessage(HttpStatusCode.InternalServerError);
        other.Headers.Add("Retry-After", "7");

        Assert.Equal(TimeSpan.FromSeconds(7), WmsResilience.RetryAfter(delta, time));
        Assert.Equal(TimeSpan.FromSeconds(30), WmsResilience.RetryAfter(date, time));
        Assert.Null(WmsResilience.RetryAfter(other, time));
    }

    [Fact]
    public void Pipeline_IsTotalTimeout_Retry_CircuitBreaker_AttemptTimeout_WithTheInstancesNumbers()
    {
        var options = new OutboundResilienceOptions { MaxRetryAttempts = 4, BaseDelay = TimeSpan.FromSeconds(2), AttemptTimeout = TimeSpan.FromSeconds(7), TotalTimeout = TimeSpan.FromSeconds(40), BreakDuration = TimeSpan.FromSeconds(45) };

        using var metrics = new TestMetrics();
        var pipeline = new WmsResilience(metrics.Metrics, TimeProvider.System, NullLogger<WmsResilience>.Instance).Build("acme", "east", options);

        var strategies = pipeline.GetPipelineDescriptor().Strategies;
        Assert.Equal(4, strategies.Count);
        Assert.Equal(TimeSpan.FromSeconds(40), Assert.IsAssignableFrom<TimeoutStrategyOptions>(strategies[0].Options).Timeout);
        var retry = Assert.IsAssignableFrom<RetryStrategyOptions<HttpResponseMessage>>(strategies[1].Options);
        Assert.Equal((4, TimeSpan.FromSeconds(2), true, Polly.DelayBackoffType.Exponential), (retry.MaxRetryAttempts, retry.Delay, retry.UseJitter, retry.BackoffType));
        var breaker = Assert.IsAssignableFrom<CircuitBreakerStrategyOptions<HttpResponseMessage>>(strategies[2].Options);
        Assert.Equal((0.5, 6, TimeSpan.FromSeconds(45)), (breaker.FailureRatio, breaker.MinimumThroughput, breaker.BreakDuration));
        Assert.Equal(TimeSpan.FromSeconds(7), Assert.IsAssignableFrom<TimeoutStrategyOptions>(strategies[3].Options).Timeout);
    }

    [Fact]
    public void OptionsValidator_ReportsEveryOutboundMistake()
    {
        var sections = TestOutbound.Sections(east =>
        {
            east.BaseUrl = "http://east.example.test";
            east.Flows.Add("shipments");
            east.Auth.ApiKeySetting = null;
            east.Resilience.MaxRetryAttempts = 11;
        });
        sections.Hub.Tenants["acme"].Instances["east"].Adapter = "edi-x12";
        sections.Hub.Tenants["acme"].Instances["east"].SkuAliases["RED-2"] = "100234";

        var result = sections.Validator().Validate(null, sections.Outbound);

        Assert.True(result.Failed);
        var where = "Hub:Tenants:acme:Instances:east";
        Assert.Equal(
            [
                $"{where}:Adapter 'edi-x12' has no outbound adapter (known: hub-json, generic-xml, x12).",
                $"{where}:Outbound:Auth:ApiKeySetting must name the app setting that holds the API key.",
                $"{where}:Outbound:BaseUrl must use https (plain http only on loopback).",
                $"{where}:Outbound:Flows names an unknown flow 'shipments' (known: {string.Join(", ", HubFlows.OmsToWms.Select(f => f.Name))}).",
                $"{where}:Outbound:Resilience:MaxRetryAttempts must be between 0 and 10.",
                $"{where}:SkuAliases: OMS SKU '100234' has several WMS SKUs; the outbound direction needs one.",
            ],
            result.Failures!.Order(StringComparer.Ordinal));
        var good = TestOutbound.Sections();
        Assert.True(good.Validator().Validate(null, good.Outbound).Succeeded);
    }
}
