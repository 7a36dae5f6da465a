using WmsFunctions.Platform.Json;
using WmsFunctions.Platform.Problems;

namespace WmsFunctions.Handler.Http;

/// <summary>
/// Reading a request body with a size limit, for every endpoint that reads one: the webhooks (raw bytes, their
/// media checked by the gate), the marketplace push (raw bytes, checked against its signature) and the operator
/// API (a JSON object).
/// </summary>
public static class RequestBody
{
    private const int ChunkBytes = 16 * 1024;

    /// <summary>
    /// The body, or null when it is larger than <paramref name="maxBytes"/>: refused by Content-Length before
    /// anything is read, else as soon as the bytes read pass the limit, so an oversized chunked body is never held.
    /// </summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[ChunkBytes];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// A JSON object of type <typeparamref name="T"/>, or the problem with the body: 400 malformed-json when there
    /// is none (unless <paramref name="allowEmpty"/>: then null and no problem) or it does not parse, 415
    /// unsupported-media-type when it is not application/json, 413 payload-too-large past <paramref name="maxBytes"/>.
    /// With <paramref name="anyContentType"/> the Content-Type is not looked at (see the caller for why).
    /// </summary>
    public static async Task<(T? Value, Problem? Problem)> ReadJsonAsync<T>(
        HttpContext context, int maxBytes, bool allowEmpty = false, bool anyContentType = false)
        where T : class
    {
        var request = context.Request;
        if (!anyContentType)
        {
            // No length and no type is how clients send no body at all (a bare POST); a chunked body names its type.
            if (request.ContentLength is 0 || (request.ContentLength is null && request.ContentType is null))
            {
                return allowEmpty ? (null, null) : (null, Problem.MalformedJson("The body must be a JSON object."));
            }

            // A prefix test, not a media-type parse: the operator API has always taken any application/json* type
            // (charset or not) from people's tools; the webhooks hold machines to their contract (WebhookMedia).
            if (request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            {
                return (null, Problem.UnsupportedMediaType(request.ContentType));
            }
        }

        var body = await ReadAsync(request, maxBytes, context.RequestAborted).ConfigureAwait(false);
        if (body is not { } bytes)
        {
            return (null, Problem.PayloadTooLarge(maxBytes));
        }

        if (bytes.Length == 0 && allowEmpty)
        {
            return (null, null);
        }

        return ContractJson.TryParse<T>(bytes, out var value, out var problem) ? (value, null) : (null, problem);
    }
}
