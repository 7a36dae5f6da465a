using System.Diagnostics;

namespace WmsFunctions.Handler.Http;

/// <summary>
/// The correlation id of a request: the one the webhook gate chose (the caller's, or the trace id) and answers in
/// <see cref="Header"/>, else the request's trace identifier, as the operator API has always used.
/// </summary>
public static class Correlation
{
    public const string Header = "X-Correlation-Id";

    // Kept in Items as well as the answer header: the exception handler clears the answer's headers before it
    // writes its problem, and must still name the id the caller was told (and the audit and logs carry).
    private static readonly object ItemKey = new();

    /// <summary>Chooses the request's correlation id, answers it in <see cref="Header"/> and remembers it.</summary>
    public static string Begin(HttpContext context)
    {
        var correlationId = Choose(context.Request);
        context.Items[ItemKey] = correlationId;
        context.Response.Headers[Header] = correlationId;
        return correlationId;
    }

    /// <summary>The id <see cref="Begin"/> chose for this request, if it ran.</summary>
    public static string? Chosen(HttpContext context) => context.Items.TryGetValue(ItemKey, out var id) ? id as string : null;

    /// <summary>The id to put in a problem: the chosen one, else the trace identifier.</summary>
    public static string Of(HttpContext context) => Chosen(context) ?? context.TraceIdentifier;

    /// <summary>The caller's correlation id when it is sane, else the W3C trace id, else a new one.</summary>
    private static string Choose(HttpRequest request)
    {
        var given = request.Headers[Header].FirstOrDefault();
        if (given is { Length: > 0 and <= 64 } && given.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return given;
        }

        return Activity.Current?.TraceId.ToHexString() ?? Guid.NewGuid().ToString("N");
    }
}
