using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using WmsFunctions.Platform.Telemetry;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Pipeline.Delivery;

/// <summary>
/// One resilience pipeline per WMS instance, kept for the life of the process so that its circuit breaker
/// remembers: total timeout > retry (exponential backoff with jitter, Retry-After honoured on 429/503 up to
/// MaxRetryAfter) > circuit breaker (per instance: one failing WMS never slows the others) > attempt timeout.
/// Transient = connection failure, timeout, 408, 429, 5xx; every other answer goes back to the caller as is.
/// Each breaker reports its state to the circuit gauge: closed when built, then every change.
/// </summary>
public sealed partial class WmsResilience(HubMetrics metrics, TimeProvider time, ILogger<WmsResilience> logger)
{
    private readonly ConcurrentDictionary<string, ResiliencePipeline<HttpResponseMessage>> _pipelines = new(StringComparer.Ordinal);

    public ResiliencePipeline<HttpResponseMessage> For(OutboundInstance instance) =>
        _pipelines.GetOrAdd(instance.Key, static (_, state) => state.Self.Build(state.Instance.Tenant, state.Instance.Id, state.Instance.Options.Resilience), (Self: this, Instance: instance));

    internal ResiliencePipeline<HttpResponseMessage> Build(string tenant, string instance, OutboundResilienceOptions options)
    {
        var key = tenant + "/" + instance;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { Name = "wms", InstanceName = key, TimeProvider = time };
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "total", Timeout = options.TotalTimeout });
        if (options.MaxRetryAttempts > 0)
        {
            var maxRetryAfter = options.MaxRetryAfter;
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldRetryAfterHeader = false, // replaced below: a Retry-After beyond MaxRetryAfter ends the invocation instead
                ShouldHandle = args => ValueTask.FromResult(
                    HttpClientResiliencePredicates.IsTransient(args.Outcome)
                    && !(RetryAfter(args.Outcome.Result, time) > maxRetryAfter)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, time)),
                OnRetry = args =>
                {
                    LogRetry(logger, key, args.AttemptNumber + 1, args.RetryDelay, Describe(args.Outcome));
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = options.FailureRatio,
            MinimumThroughput = options.MinimumThroughput,
            SamplingDuration = options.SamplingDuration,
            BreakDuration = options.BreakDuration,
            OnOpened = args =>
            {
                metrics.CircuitChanged(tenant, instance, PartnerCircuitState.Open);
                LogCircuitOpened(logger, key, args.BreakDuration, Describe(args.Outcome));
                return ValueTask.CompletedTask;
            },
            OnHalfOpened = _ =>
            {
                metrics.CircuitChanged(tenant, instance, PartnerCircuitState.HalfOpen);
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                metrics.CircuitChanged(tenant, instance, PartnerCircuitState.Closed);
                LogCircuitClosed(logger, key);
                return ValueTask.CompletedTask;
            },
        });
        metrics.CircuitChanged(tenant, instance, PartnerCircuitState.Closed);
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt", Timeout = options.AttemptTimeout });
        return builder.Build();
    }

    /// <summary>The delay a 429 or 503 asks for (delta seconds or an HTTP date), or null.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time)
    {
        if (response is null || (int)response.StatusCode is not (429 or 503) || response.Headers.RetryAfter is not RetryConditionHeaderValue retryAfter)
        {
            return null;
        }

        if (retryAfter.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } error ? error.GetType().Name : $"HTTP {(int)outcome.Result!.StatusCode}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "WMS {Instance}: retry {Attempt} in {Delay} after {Outcome}")]
    private static partial void LogRetry(ILogger logger, string instance, int attempt, TimeSpan delay, string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "WMS {Instance}: circuit opened for {BreakDuration} after {Outcome}")]
    private static partial void LogCircuitOpened(ILogger logger, string instance, TimeSpan breakDuration, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "WMS {Instance}: circuit closed")]
    private static partial void LogCircuitClosed(ILogger logger, string instance);
}
