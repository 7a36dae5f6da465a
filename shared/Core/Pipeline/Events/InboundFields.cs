using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Pipeline.Events;

/// <summary>The checks every WMS event shares (its id and when it happened), written once for every inbound flow.</summary>
public static class InboundFields
{
    /// <summary>How far ahead of the hub's clock an event may claim to have happened (clock skew).</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    public static void EventId(Dictionary<string, string[]> errors, string? eventId)
    {
        if (!Codes.IsValid(eventId))
        {
            errors["eventId"] = [$"Required: 1 to {Codes.MaxLength} characters, no surrounding spaces or control characters."];
        }
    }

    /// <param name="when">What the time stands for, e.g. "when the goods were received".</param>
    public static void OccurredAt(Dictionary<string, string[]> errors, DateTimeOffset? occurredAt, DateTimeOffset now, string when)
    {
        if (occurredAt is not { } at)
        {
            errors["occurredAt"] = [$"Required: {when} (RFC 3339 with offset)."];
        }
        else if (at > now + FutureTolerance)
        {
            errors["occurredAt"] = [$"Lies more than {FutureTolerance.TotalMinutes:0} minutes in the future."];
        }
    }
}
