using WmsFunctions.Platform.Problems;

namespace WmsFunctions.Handler.Http;

/// <summary>The problems of the HTTP edge itself, as opposed to those a flow finds in an event.</summary>
public static class RequestProblems
{
    /// <summary>A query parameter is missing or out of range (the operator listings).</summary>
    public static Problem InvalidQuery(IReadOnlyDictionary<string, string[]> errors) =>
        Problem.InvalidEvent(errors) with { Type = "invalid-query", Title = "The query is invalid" };

    /// <summary>A field of a request body is missing or out of range (the operator API's changes).</summary>
    public static Problem InvalidRequest(IReadOnlyDictionary<string, string[]> errors) =>
        Problem.InvalidEvent(errors) with { Type = "invalid-request", Title = "The request is invalid" };

    public static Problem InvalidRequest(string field, string error) =>
        InvalidRequest(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [error] });

    /// <summary>
    /// The hub's storage refused, failed or did not answer within the request's deadline: nothing of the request is
    /// half-done (an event is in the inbox whole or not at all), so the caller sends the same request again after
    /// Retry-After and it is applied once.
    /// </summary>
    public static Problem StorageUnavailable(int retryAfterSeconds) =>
        new("storage-unavailable", StatusCodes.Status503ServiceUnavailable, "Storage unavailable",
            $"The hub could not reach its storage in time, and nothing was done in part. Send the same request again after {retryAfterSeconds} seconds.",
            RetryAfterSeconds: retryAfterSeconds);

    /// <summary>
    /// The handler failed on its own (a bug): the caller learns that, and the correlation id to quote,
    /// never what failed or where (that is in the log under the same id).
    /// </summary>
    public static Problem InternalError() =>
        new("internal-error", StatusCodes.Status500InternalServerError, "Internal error",
            "The request could not be completed. It may be retried; if it keeps failing, report the correlationId.");

    /// <summary>Kestrel or parameter binding could not read the request (e.g. a body over the server's limit, a truncated body).</summary>
    public static Problem Unreadable(int status) => status == StatusCodes.Status413PayloadTooLarge
        ? new("payload-too-large", status, "Payload too large", "The body is larger than the handler accepts.")
        : new("bad-request", status, "The request could not be read", "The request is malformed or was not sent completely.");
}
