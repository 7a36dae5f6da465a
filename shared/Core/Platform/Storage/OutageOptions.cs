using Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace WmsFunctions.Platform.Storage;

/// <summary>
/// How long the hub waits for its storage before it gives an honest "try again" (section "Hub:Outage"). A caller
/// (a WMS, a marketplace, an operator) gets 503 with Retry-After within <see cref="RequestDeadline"/> when storage
/// refuses connections or stalls, instead of an empty 500 or no answer; a queue-triggered invocation fails within
/// (<see cref="StorageMaxRetries"/> + 1) x <see cref="StorageTryTimeout"/> per storage call, so the host retries it.
/// </summary>
public sealed class OutageOptions
{
    public const string SectionName = "Hub:Outage";

    /// <summary>Every forwarded HTTP request is answered within this (503 storage-unavailable when storage made it late).</summary>
    public TimeSpan RequestDeadline { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The deadline of the operator endpoints that call a WMS while the operator waits (replaying an OMS -> WMS
    /// failed sync): the delivery has its own timeouts (Outbound:Resilience:TotalTimeout, at most 4 minutes).
    /// </summary>
    public TimeSpan PartnerRequestDeadline { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long an inbound event's outbox message stays hidden while its webhook applies the event; after that the
    /// relay finishes and publishes the event itself (the webhook died, or is stalled). Longer than the deadline, so
    /// the relay does not race a webhook that is merely slow.
    /// </summary>
    public TimeSpan OutboxReservation { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The Retry-After of a 503 storage-unavailable, in seconds.</summary>
    public int RetryAfterSeconds { get; set; } = 5;

    /// <summary>One storage call's try (the Azure SDK's NetworkTimeout): a stalled storage is given up on after this.</summary>
    public TimeSpan StorageTryTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries of a failed storage call (the SDK's exponential retry, 0.2 s doubling up to 2 s).</summary>
    public int StorageMaxRetries { get; set; } = 2;

    public static OutageOptions From(IConfiguration configuration)
    {
        var options = new OutageOptions();
        configuration.GetSection(SectionName).Bind(options);
        return options;
    }
}

public sealed class OutageOptionsValidator : IValidateOptions<OutageOptions>
{
    public ValidateOptionsResult Validate(string? name, OutageOptions options)
    {
        var errors = new List<string>();
        if (options.RequestDeadline <= TimeSpan.Zero || options.PartnerRequestDeadline < options.RequestDeadline)
        {
            errors.Add($"{OutageOptions.SectionName}: RequestDeadline must be positive and at most PartnerRequestDeadline.");
        }

        if (options.OutboxReservation <= options.RequestDeadline || options.OutboxReservation > TimeSpan.FromDays(7))
        {
            errors.Add($"{OutageOptions.SectionName}:OutboxReservation must be longer than RequestDeadline and at most 7 days.");
        }

        if (options.RetryAfterSeconds is < 1 or > 3600)
        {
            errors.Add($"{OutageOptions.SectionName}:RetryAfterSeconds must be between 1 and 3600.");
        }

        if (options.StorageTryTimeout <= TimeSpan.Zero || options.StorageMaxRetries is < 0 or > 10)
        {
            errors.Add($"{OutageOptions.SectionName}: StorageTryTimeout must be positive and StorageMaxRetries between 0 and 10.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Tells a storage outage (nothing the request did wrong, worth retrying later) from any other failure.</summary>
public static class StorageFailures
{
    /// <summary>
    /// True for what the Azure SDK throws when storage cannot be reached or answers "busy": a RequestFailedException
    /// with status 0 (no answer: connection refused or reset) or 408/500/502/503/504, the SDK's timeout of a try, and
    /// the AggregateException it throws when every retry failed that way (or was cancelled).
    /// </summary>
    public static bool IsOutage(Exception failure) => failure switch
    {
        RequestFailedException { Status: 0 or 408 or 500 or 502 or 503 or 504 } => true,
        // The SDK's retries all failed; the last try may have ended by the caller's deadline rather than its own timeout.
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(e => e is OperationCanceledException || IsOutage(e)),
        TimeoutException => true,
        OperationCanceledException => failure.Message.Contains("configured timeout", StringComparison.Ordinal), // the SDK's NetworkTimeout
        _ => false,
    };
}
