using System.Globalization;

namespace WmsFunctions.Handler.Operations;

/// <summary>
/// Query-string reading shared by the operator listings: each bad parameter is collected into <c>errors</c>, and all
/// of them are answered together as one 400 <c>invalid-query</c> problem (<see cref="Http.ProblemResults.InvalidQuery"/>).
/// </summary>
internal static class OperatorQuery
{
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
}
