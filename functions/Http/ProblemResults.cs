using Microsoft.AspNetCore.Mvc;
using WmsFunctions.Platform.Problems;

namespace WmsFunctions.Handler.Http;

/// <summary>
/// How the HTTP edge answers every refusal: RFC 9457 problem details with <c>type</c>
/// <c>urn:wmsfunctions:problem:&lt;kind&gt;</c>, the request path as <c>instance</c>, the correlation id as an
/// extension (the one the audit and the logs carry) and the field errors when there are any.
/// </summary>
public static class ProblemResults
{
    /// <summary>A refusal correlated by the request's trace identifier (the operator API and the marketplace push).</summary>
    public static IResult For(Problem problem, HttpContext context) =>
        For(problem, context.Request.Path, context.TraceIdentifier);

    /// <summary>A refusal correlated by <paramref name="correlationId"/>; without <paramref name="path"/> no instance is named.</summary>
    public static IResult For(Problem problem, string? path, string correlationId) =>
        Results.Problem(Details(problem, path, correlationId));

    /// <summary>400 invalid-query: every bad query parameter, listed in errors.</summary>
    public static IResult InvalidQuery(IReadOnlyDictionary<string, string[]> errors, HttpContext context) =>
        For(RequestProblems.InvalidQuery(errors), context);

    /// <summary>400 invalid-request: every bad field of the body, listed in errors.</summary>
    public static IResult InvalidRequest(IReadOnlyDictionary<string, string[]> errors, HttpContext context) =>
        For(RequestProblems.InvalidRequest(errors), context);

    public static ProblemDetails Details(Problem problem, string? path, string correlationId)
    {
        var details = new ProblemDetails
        {
            Type = Problem.TypeUrnPrefix + problem.Type,
            Title = problem.Title,
            Status = problem.Status,
            Detail = problem.Detail,
            Instance = path,
        };
        details.Extensions["correlationId"] = correlationId;
        if (problem.Errors is { Count: > 0 } errors)
        {
            details.Extensions["errors"] = errors;
        }

        return details;
    }
}
