using OpenTelemetry;
using OpenTelemetry.Metrics;
using WmsFunctions.Platform.Telemetry;

namespace WmsFunctions.IntegrationTests.Telemetry;

/// <summary>One exported point: its tags, its value (a counter's sum, a gauge's value, a histogram's sum) and how many measurements it holds.</summary>
public sealed record ExportedPoint(IReadOnlyDictionary<string, string?> Tags, double Value, long Count)
{
    public string? this[string tag] => Tags.GetValueOrDefault(tag);

    public bool Has(params (string Tag, string Value)[] tags) => tags.All(t => this[t.Tag] == t.Value);
}

/// <summary>
/// The hub's meter as an exporter sees it: an OpenTelemetry SDK meter provider of the test's own (AddMeter
/// "WmsFunctions", the in-memory exporter), built before the scenario so it counts only what the scenario does. It
/// listens to every meter of that name in the process, so the tests using it run alone (<see cref="MetricsRunAlone"/>).
/// </summary>
public sealed class ExportedMetrics : IDisposable
{
    private readonly List<MetricSnapshot> _exported = [];
    private readonly Dictionary<string, MetricSnapshot> _latest = new(StringComparer.Ordinal);
    private readonly MeterProvider _provider;

    public ExportedMetrics() =>
        _provider = Sdk.CreateMeterProviderBuilder().AddMeter(HubMetrics.MeterName).AddInMemoryExporter(_exported).Build();

    /// <summary>Exports now (the gauges are observed now); every instrument keeps its latest export, which is cumulative.</summary>
    public void Flush()
    {
        _exported.Clear();
        Assert.True(_provider.ForceFlush(10_000), "the meter provider did not flush");
        foreach (var metric in _exported.Where(m => m.MetricPoints.Count > 0))
        {
            _latest[metric.Name] = metric;
        }
    }

    /// <summary>Every instrument exported with at least one point so far, with its unit.</summary>
    public IReadOnlyDictionary<string, string> Recorded => _latest.ToDictionary(m => m.Key, m => m.Value.Unit, StringComparer.Ordinal);

    public IReadOnlyList<ExportedPoint> Points(string instrument) =>
        _latest.TryGetValue(instrument, out var metric) ? metric.MetricPoints.Select(p => Read(metric.MetricType, p)).ToList() : [];

    /// <summary>The one point of <paramref name="instrument"/> carrying these tags (a failure lists the points there are).</summary>
    public ExportedPoint Point(string instrument, params (string Tag, string Value)[] tags)
    {
        var points = Points(instrument);
        var matching = points.Where(p => p.Has(tags)).ToList();
        Assert.True(
            matching.Count == 1,
            $"{instrument} has {matching.Count} points with {string.Join(", ", tags.Select(t => $"{t.Tag}={t.Value}"))}; it has: "
            + string.Join("; ", points.Select(p => string.Join(",", p.Tags.Select(t => $"{t.Key}={t.Value}")) + $" -> {p.Value}")));
        return matching[0];
    }

    public void Dispose() => _provider.Dispose();

    private static ExportedPoint Read(MetricType type, MetricPoint point)
    {
        var tags = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var tag in point.Tags)
        {
            tags[tag.Key] = tag.Value?.ToString();
        }

        return type switch
        {
            MetricType.LongSum => new(tags, point.GetSumLong(), 1),
            MetricType.DoubleSum => new(tags, point.GetSumDouble(), 1),
            MetricType.LongGauge => new(tags, point.GetGaugeLastValueLong(), 1),
            MetricType.DoubleGauge => new(tags, point.GetGaugeLastValueDouble(), 1),
            MetricType.Histogram => new(tags, point.GetHistogramSum(), point.GetHistogramCount()),
            _ => throw new InvalidOperationException($"No reading for a {type} metric."),
        };
    }
}

/// <summary>The metrics tests run alone: their exporter would see every hub of the process, and other tests' hubs are busy.</summary>
[CollectionDefinition(nameof(MetricsRunAlone), DisableParallelization = true)]
public sealed class MetricsRunAlone;
