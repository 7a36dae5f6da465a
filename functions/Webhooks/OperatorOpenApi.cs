using Microsoft.OpenApi;

namespace WmsFunctions.Handler.Webhooks;

/// <summary>What every operator endpoint's OpenAPI operation shares: its refusals, their meaning, and the operator credentials.</summary>
internal static class OperatorOpenApi
{
    /// <summary>What every operator endpoint may answer besides its own 200.</summary>
    public static RouteHandlerBuilder WithOperatorRefusals(this RouteHandlerBuilder endpoint) =>
        endpoint.ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).WithTags("Operations");

    /// <summary>Operator credentials (token or key, each with the function key) and what each refusal means here.</summary>
    public static void DescribeOperatorEndpoint(OpenApiOperation operation, OpenApiDocument document)
    {
        operation.Security =
        [
            OpenApiSecuritySchemes.WithFunctionKey(OpenApiSecuritySchemes.OperatorBearer, document),
            OpenApiSecuritySchemes.WithFunctionKey(OpenApiSecuritySchemes.OperatorKey, document),
        ];
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is OpenApiResponse refusal && OperatorRefusalDescriptions.TryGetValue(status, out var description))
            {
                refusal.Description = description;
            }
        }
    }

    private static readonly Dictionary<string, string> OperatorRefusalDescriptions = new(StringComparer.Ordinal)
    {
        ["400"] = "invalid-query: a query parameter is missing or out of range (listed in errors).",
        ["401"] = "unauthorized: no operator credentials, or wrong ones (an invalid, expired or foreign token; an unknown key).",
        ["403"] = "forbidden: the token lacks the operator role, or the operator may not act for this tenant. Nothing is read or changed.",
        ["409"] = "failed-sync-not-open, replay-in-progress, not-replayable or illegal-transition: the state does not allow it; nothing changed.",
        ["422"] = "unknown-sku or unknown-location: the override names a SKU or location the hub does not know.",
        ["404"] = "Not found: the tenant has no such entity.",
    };
}
