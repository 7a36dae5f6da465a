using System.ComponentModel.DataAnnotations;

namespace WmsFunctions.Handler.Operations;

/// <summary>The counted on-hand of one SKU in one area of an instance.</summary>
public sealed record StockOverrideRequest(
    string? OverrideId,
    [property: Required] string? Instance,
    [property: Required] string? Location,
    [property: Required] string? Sku,
    [property: Required] long? Quantity,
    [property: Required] string? Reason);

/// <summary>A pick slip marked shipped or voided by an operator.</summary>
public sealed record PickSlipOverrideRequest(
    [property: Required] string? Action,
    bool? Unreserve,
    [property: Required] string? Reason,
    string? OverrideId);
