using System.Globalization;
using WmsFunctions.Handler.Http;

namespace WmsFunctions.Handler.Operations;

/// <summary>
/// Query-string reading shared by the operator listings: each bad parameter is collected into <c>errors</c>, and all
/// of them are answered together as one 400 <c>invalid-query</c> problem (<see cref="Http.ProblemResults.InvalidQuery"/>).
/// </summary>
internal static class OperatorQuery
{
    private const string ForeignContinuation = "Not a continuation this API gave out.";

    /// <summary><c>take</c>: a whole number from 1 to <paramref name="max"/>; <paramref name="fallback"/> when absent.</summary>
    public static int Take(IQueryCollection query, Dictionary<string, string[]> errors, int fallback, int max)
    {
        var take = fallback;
        if (query["take"].FirstOrDefault() is { } count && (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take < 1 || take > max))
        {
            errors["take"] = [$"1 to {max}."];
        }

        return take;
    }

    /// <summary><c>continuation</c>: null, or a token of the form <paramref name="wellFormed"/> accepts.</summary>
    public static string? Continuation(IQueryCollection query, Dictionary<string, string[]> errors, Func<string, bool> wellFormed)
    {
        var continuation = query["continuation"].FirstOrDefault();
        if (continuation is not null && !wellFormed(continuation))
        {
            errors["continuation"] = [ForeignContinuation];
        }

        return continuation;
    }

    /// <summary>
    /// One page of a listing as JSON. A well-formed continuation that the store cannot follow (it was not one this API
    /// gave out) is answered like a malformed one, not as a 500.
    /// </summary>
    public static async Task<IResult> PageAsync<TPage, TListing>(string? continuation, HttpContext context, Func<Task<TPage>> read, Func<TPage, TListing> listing)
    {
        TPage page;
        try
        {
            page = await read().ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException bad) when (bad.Status == 400 && continuation is not null)
        {
            return ProblemResults.InvalidQuery(new Dictionary<string, string[]> { ["continuation"] = [ForeignContinuation] }, context);
        }

        return TypedResults.Json(listing(page));
    }
}
