using WmsFunctions.Handler.Http;
using WmsFunctions.Platform.Problems;

namespace WmsFunctions.Handler.Operations;

/// <summary>
/// What every change through the operator API shares: its JSON body (at most <see cref="MaxBodyBytes"/> unless the
/// endpoint says otherwise) and the reason it must give, which goes to the audit with the operator.
/// </summary>
internal static class OperatorRequests
{
    public const int MaxBodyBytes = 64 * 1024;

    public const int MaxReasonLength = 500;

    /// <summary>The body as <typeparamref name="T"/>, or the problem with it (see <see cref="RequestBody.ReadJsonAsync"/>).</summary>
    public static Task<(T? Value, Problem? Problem)> ReadAsync<T>(
        HttpContext context, int maxBytes = MaxBodyBytes, bool allowEmpty = false, bool anyContentType = false)
        where T : class =>
        RequestBody.ReadJsonAsync<T>(context, maxBytes, allowEmpty, anyContentType);

    /// <summary>1 to <see cref="MaxReasonLength"/> characters, not only blanks, no control characters but line breaks.</summary>
    public static bool IsValidReason(string? reason) =>
        reason is { Length: > 0 and <= MaxReasonLength } && !string.IsNullOrWhiteSpace(reason) && !reason.Any(c => char.IsControl(c) && c is not '\n');

    /// <summary>What errors["reason"] says when <see cref="IsValidReason"/> fails.</summary>
    public static string ReasonError(bool required) => $"{(required ? "Required: " : "")}1 to {MaxReasonLength} characters.";

    /// <summary>400 invalid-request naming only the reason (for endpoints whose body has nothing else to check).</summary>
    public static Problem ReasonProblem(bool required) => RequestProblems.InvalidRequest("reason", ReasonError(required));
}
