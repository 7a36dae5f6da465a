using System.Net.Http.Headers;

namespace WmsFunctions.Handler.Webhooks;

/// <summary>
/// What a webhook reads and answers: JSON by default; the X12 webhook takes <c>application/edi-x12</c> and answers
/// with its 997 in the same type.
/// </summary>
public sealed record WebhookMedia(string RequestType, string ResponseType, int MaxBodyBytes, params string[] CharSets)
{
    public static WebhookMedia Json { get; } = new("application/json", "application/json", WebhookGate.MaxBodyBytes, "utf-8");

    public bool Accepts(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && string.Equals(media.MediaType, RequestType, StringComparison.OrdinalIgnoreCase)
        && (media.CharSet is null || CharSets.Contains(media.CharSet, StringComparer.OrdinalIgnoreCase));
}
