using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Pipeline.Retries;
using WmsFunctions.Platform.Telemetry;

namespace WmsFunctions.UnitTests.Telemetry;

/// <summary>Trace context in messages, the telemetry settings, and the console line the Functions host reads.</summary>
public sealed class TelemetryTests
{
    private const string Parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public void InMessage_TopLevelAttributes_AreRead_NestedOnesAndBrokenValuesAreNot()
    {
        var read = TraceContext.InMessage($$"""{"data":{"traceparent":"00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-01"},"traceparent":"{{Parent}}","tracestate":"oms=1"}""");

        Assert.Equal(new TraceContext(Parent, "oms=1"), read);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", read!.TraceId);
        Assert.Null(TraceContext.InMessage("""{"data":{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}}"""));
        Assert.Null(TraceContext.InMessage("""{"traceparent":"not-a-traceparent"}"""));
        Assert.Null(TraceContext.InMessage("""{"traceparent":"""));
        Assert.Null(TraceContext.InMessage("[1]"));
        Assert.Null(TraceContext.InMessage("plain text"));
    }

    [Fact]
    public void OutboxMessage_CarriesTheContext_AndTheRetryScheduleKeepsIt()
    {
        var message = OutboxMessages.Serialize(new InboxRef("acme", "east", "inventory", "e-1"), new TraceContext(Parent, "wms=2"));

        var retried = RetryEnvelope.WithGeneration(message, 3);

        Assert.Equal(new InboxRef("acme", "east", "inventory", "e-1"), OutboxMessages.Deserialize(retried));
        Assert.Equal(new TraceContext(Parent, "wms=2"), TraceContext.InMessage(retried));
        Assert.DoesNotContain("traceparent", OutboxMessages.Serialize(new InboxRef("acme", "east", "inventory", "e-1")), StringComparison.Ordinal);
    }

    [Fact]
    public void Stamp_WithASpan_AddsItsContext_WithoutOne_OrWhenCarried_LeavesTheMessage()
    {
        Assert.Equal("""{"a":1}""", TraceContext.Stamp("""{"a":1}"""));

        using var span = new Activity("test").SetParentId(Parent).Start();
        var stamped = TraceContext.Stamp("""{"a":1}""");

        Assert.Equal(span.Id, TraceContext.InMessage(stamped)?.TraceParent);
        Assert.Equal($$"""{"traceparent":"{{Parent}}"}""", TraceContext.Stamp($$"""{"traceparent":"{{Parent}}"}"""));
        Assert.Equal("not json", TraceContext.Stamp("not json"));
    }

    [Fact]
    public void CloudEvent_MadeInASpan_CarriesItsTraceparent_AndWithoutOneHasNone()
    {
        var without = OmsEvent.Parse(OmsEvent.FromWms("acme", "east", "inventory", "e-1", "inventory.adjusted", "DC1/1", DateTimeOffset.UnixEpoch, "c-1", new { n = 1 }));
        Assert.Null(without.TraceParent);

        using var span = new Activity("apply").SetParentId(Parent).Start();
        span.TraceStateString = "wms=2";
        var json = OmsEvent.FromWms("acme", "east", "inventory", "e-1", "inventory.adjusted", "DC1/1", DateTimeOffset.UnixEpoch, "c-1", new { n = 1 });

        Assert.Equal(new TraceContext(span.Id!, "wms=2"), TraceContext.InMessage(json));
    }

    [Theory]
    [InlineData(null, null, null, TelemetryExporter.None)]
    [InlineData(null, "InstrumentationKey=00000000-0000-0000-0000-000000000000", null, TelemetryExporter.AzureMonitor)]
    [InlineData(null, null, "http://127.0.0.1:4318", TelemetryExporter.Otlp)]
    [InlineData("console", "InstrumentationKey=00000000-0000-0000-0000-000000000000", null, TelemetryExporter.Console)]
    [InlineData("None", null, "http://127.0.0.1:4318", TelemetryExporter.None)]
    public void From_ExporterSetting_OrWhatIsConfigured_ChoosesTheExporter(string? setting, string? connectionString, string? otlp, TelemetryExporter expected)
    {
        var options = TelemetryOptions.From(Configuration(
            (TelemetryOptions.ExporterSetting, setting), (TelemetryOptions.ConnectionStringSetting, connectionString), (TelemetryOptions.OtlpEndpointSetting, otlp)));

        Assert.Equal(expected, options.Exporter);
        Assert.Equal(1.0, options.SamplingRatio);
    }

    [Theory]
    [InlineData(TelemetryOptions.ExporterSetting, "jaeger")]
    [InlineData(TelemetryOptions.ExporterSetting, "2")]
    [InlineData(TelemetryOptions.ExporterSetting, "azuremonitor")] // without a connection string
    [InlineData(TelemetryOptions.SamplingRatioSetting, "1.5")]
    [InlineData(TelemetryOptions.SamplingRatioSetting, "half")]
    [InlineData(TelemetryOptions.LogsSetting, "yes")]
    public void From_BadSetting_StopsTheStart(string setting, string value) =>
        Assert.Throws<InvalidOperationException>(() => TelemetryOptions.From(Configuration((setting, value))));

    [Fact]
    public void From_AuthenticationString_NamesTheUserAssignedIdentity_ElseAzureClientId()
    {
        Assert.Equal("1111", TelemetryOptions.From(Configuration(
            (TelemetryOptions.AuthenticationStringSetting, "Authorization=AAD;ClientId=1111"), (TelemetryOptions.ClientIdSetting, "2222"))).ManagedIdentityClientId);
        Assert.Equal("2222", TelemetryOptions.From(Configuration((TelemetryOptions.ClientIdSetting, "2222"))).ManagedIdentityClientId);
        Assert.Null(TelemetryOptions.From(Configuration()).ManagedIdentityClientId);
    }

    [Fact]
    public void AddHubTelemetry_ConsoleLogger_WarningsToStderr_HubFormat_FrameworkQuietUnlessConfigured()
    {
        using var quiet = new ServiceCollection().AddHubTelemetry(Configuration()).BuildServiceProvider();
        using var configured = new ServiceCollection()
            .AddHubTelemetry(Configuration())
            .Configure<LoggerFilterOptions>(o => o.Rules.Add(new LoggerFilterRule(null, "Microsoft.AspNetCore", LogLevel.Information, null))) // as Logging:LogLevel would
            .BuildServiceProvider();

        var console = quiet.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value;
        Assert.Equal(LogLevel.Warning, console.LogToStandardErrorThreshold);
        Assert.Equal(HubConsoleFormatter.FormatterName, console.FormatterName);
        var logs = quiet.GetRequiredService<ILoggerFactory>();
        Assert.False(logs.CreateLogger("Microsoft.AspNetCore.Routing.EndpointMiddleware").IsEnabled(LogLevel.Information));
        Assert.True(logs.CreateLogger("Microsoft.AspNetCore.Routing.EndpointMiddleware").IsEnabled(LogLevel.Warning));
        Assert.True(logs.CreateLogger("WmsFunctions.Pipeline.Events.OutboxRelay").IsEnabled(LogLevel.Information));
        Assert.True(configured.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void Formatter_Exception_IsItsTypeAndFirstLine_OnOneLine_WithTheScopeFields_AndNoStack()
    {
        var failure = Thrown(new InvalidOperationException("outer\nsecond line " + new string('x', 5000), Thrown(new TimeoutException("inner"))));
        var scopes = new LoggerExternalScopeProvider();
        using var fields = scopes.Push(new LogFields("acme", "east", "inventory", "e-1", null));
        using var again = scopes.Push(new LogFields("acme", null, null, null, "c-9"));

        var line = Format(LogLevel.Error, "Relay of {EventId} failed", failure, scopes, includeStackTraces: false);

        Assert.DoesNotContain('\n', line.TrimEnd());
        Assert.StartsWith("fail: WmsFunctions.Test[7] Relay of e-1 failed [Tenant=acme Instance=east Flow=inventory EventId=e-1 CorrelationId=c-9]", line, StringComparison.Ordinal);
        Assert.Contains("(System.InvalidOperationException: outer ---> System.TimeoutException: inner)", line, StringComparison.Ordinal);
        Assert.True(line.Length < 400, line);
        Assert.DoesNotContain(nameof(Thrown), line, StringComparison.Ordinal);
        Assert.Contains(nameof(Thrown), Format(LogLevel.Error, "x", failure, scopes, includeStackTraces: true), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LogLevel.Information, "info: ")]
    [InlineData(LogLevel.Warning, "warn: ")]
    [InlineData(LogLevel.Error, "fail: ")]
    [InlineData(LogLevel.Critical, "fail: crit: ")]
    public void Formatter_Level_IsTheWordTheHostFilesItBy(LogLevel level, string prefix) =>
        Assert.StartsWith(prefix, Format(level, "m", null, null, includeStackTraces: false), StringComparison.Ordinal);

    private static string Format(LogLevel level, string template, Exception? exception, IExternalScopeProvider? scopes, bool includeStackTraces)
    {
        var options = new HubConsoleFormatterOptions { IncludeScopes = true, TimestampFormat = null, IncludeStackTraces = includeStackTraces };
        var formatter = new HubConsoleFormatter(new StaticOptions(options));
        var state = new FormattedState(template, "e-1");
        using var writer = new StringWriter();
        formatter.Write(new LogEntry<FormattedState>(level, "WmsFunctions.Test", new EventId(7), state, exception, static (s, _) => s.ToString()), scopes, writer);
        return writer.ToString();
    }

    private static Exception Thrown(Exception exception)
    {
        try
        {
            throw exception;
        }
        catch (Exception caught)
        {
            return caught;
        }
    }

    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private sealed record FormattedState(string Template, string EventId)
    {
        public override string ToString() => Template.Replace("{EventId}", EventId, StringComparison.Ordinal);
    }

    private sealed class StaticOptions(HubConsoleFormatterOptions value) : IOptionsMonitor<HubConsoleFormatterOptions>
    {
        public HubConsoleFormatterOptions CurrentValue => value;

        public HubConsoleFormatterOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<HubConsoleFormatterOptions, string?> listener) => null;
    }
}
