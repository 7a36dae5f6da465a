using System.ComponentModel.DataAnnotations;

namespace WmsFunctions.Handler.Operations;

/// <summary>A dead-lettered message fed back as a failed sync of its flow.</summary>
public sealed record DeadLetterRequest(
    [property: Required] string? Flow,
    [property: Required] string? Body,
    string? Instance,
    string? EntityType,
    string? EntityId,
    string? MessageId,
    [property: Required] string? Reason);
