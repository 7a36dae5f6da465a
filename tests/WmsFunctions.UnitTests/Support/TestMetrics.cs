using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Platform.Telemetry;

namespace WmsFunctions.UnitTests.Support;

/// <summary>One instrument's measurement as a listener saw it.</summary>
internal sealed record Reading(string Instrument, double Value, IReadOnlyDictionary<string, string?> Tags)
{
    public string? this[string tag] => Tags.GetValueOrDefault(tag);
}

/// <summary>
/// A <see cref="HubMetrics"/> on a meter factory of its own, and a listener on that factory's meter only: tests running at
/// the same time never see each other's measurements, although every hub meter has the same name.
/// </summary>
internal sealed class TestMetrics : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Reading> _readings = new();

    public TestMetrics()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = _services.GetRequiredService<IMeterFactory>();
        Metrics = new HubMetrics(factory);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Add(i, value, tags));
        _listener.SetMeasurementEventCallback<int>((i, value, tags, _) => Add(i, value, tags));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Add(i, value, tags));
        _listener.Start();
    }

    public HubMetrics Metrics { get; }

    /// <summary>Everything recorded so far, and what the observable gauges report now.</summary>
    public IReadOnlyList<Reading> Read()
    {
        _listener.RecordObservableInstruments();
        var readings = _readings.ToList();
        _readings.Clear();
        return readings;
    }

    public IReadOnlyList<Reading> Read(string instrument) => Read().Where(r => r.Instrument == instrument).ToList();

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var byName = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, tag) in tags)
        {
            byName[name] = tag?.ToString();
        }

        _readings.Enqueue(new Reading(instrument.Name, value, byName));
    }
}
