using Microsoft.OpenApi;
using WmsFunctions.Pipeline.Webhooks;

namespace WmsFunctions.Handler.Webhooks;

/// <summary>
/// The document's description and its security schemes: the host's function key, the three schemes a WMS instance
/// can be configured for, the marketplace signature and the two operator credentials. Every operation requires the
/// function key together with one of its own schemes (<see cref="WithFunctionKey"/>).
/// </summary>
internal static class OpenApiSecuritySchemes
{
    public const string FunctionKey = "functionKey";
    public const string ApiKey = "apiKey";
    public const string Signature = "standardWebhooks";
    public const string Bearer = "bearer";
    public const string OperatorKey = "operatorKey";
    public const string OperatorBearer = "operatorBearer";

    /// <summary>One alternative of an operation's security: the host's function key and <paramref name="scheme"/>, both.</summary>
    public static OpenApiSecurityRequirement WithFunctionKey(string scheme, OpenApiDocument document) => new()
    {
        [new OpenApiSecuritySchemeReference(FunctionKey, document)] = [],
        [new OpenApiSecuritySchemeReference(scheme, document)] = [],
    };

    /// <summary>The document's title and description, and every security scheme an operation may name.</summary>
    public static void Describe(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = "WmsFunctions: WMS -> OMS webhooks and the operations API",
            Version = WebhookOpenApi.DocumentName,
            Description =
                "Webhooks a warehouse management system (WMS) calls to report what happened to stock. Each WMS instance " +
                "authenticates with the one scheme its configuration names (API key, Standard Webhooks signature or OAuth 2.0 " +
                "bearer JWT); in Azure the host's function key is required as well. An accepted event is answered 202 with what " +
                "it did; the same eventId again is answered the same way with `Idempotent-Replayed: true`. Every refusal is RFC " +
                "9457 problem details (`application/problem+json`, `type` = `urn:wmsfunctions:problem:<kind>`) and changes nothing. " +
                "The operations API (tag Operations) is for people: an operator bearer token (OAuth 2.0, operator role, tenants) " +
                "or, locally, a development operator key; every change needs a reason and is audited with the operator. `GET /api/health` " +
                "is the anonymous readiness check.",
        };
        document.Servers = []; // the host name differs per deployment: paths are relative to the function app
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal)
        {
            [FunctionKey] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "x-functions-key",
                Description = "The Azure Functions host's function key (authLevel function): checked by the host before the request is forwarded.",
            },
            [ApiKey] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = WebhookAuthenticator.ApiKeyHeader,
                Description = "Instances configured with Scheme ApiKey: the instance's API key (the hub stores only its SHA-256).",
            },
            [Signature] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = StandardWebhooks.SignatureHeader,
                Description =
                    "Instances configured with Scheme StandardWebhooks (Standard Webhooks 1.0): send `webhook-id` (the message id, the same " +
                    "on every retry), `webhook-timestamp` (Unix seconds, within 5 minutes of the hub's clock) and `webhook-signature`: " +
                    "`v1,<base64 HMAC-SHA256 of \"{webhook-id}.{webhook-timestamp}.{raw body}\">` keyed with the base64-decoded part of the " +
                    "instance's `whsec_` secret; several space-separated signatures while secrets rotate. A webhook-id is bound to one body: " +
                    "sent again with the same body it gets the original answer, with another body 422 webhook-id-reused.",
            },
            [OperatorKey] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = Operations.OperatorGate.KeyHeader,
                Description =
                    "The operations API, locally: a development operator key (the hub stores only its SHA-256, under " +
                    "Hub:Operators:Keys:<name>:ApiKeySha256, with the tenants it may act for).",
            },
            [OperatorBearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description =
                    "The operations API: an OAuth 2.0 access token (JWT) from the configured identity provider (Hub:Operators:Bearer: issuer, " +
                    "audience, public signing keys), with the operator role in its roles claim and the tenants it may act for in its tenants " +
                    "claim (or mapped from another claim by configuration). The audit records the token's subject and name.",
            },
            [Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description =
                    "Instances configured with Scheme Bearer: an OAuth 2.0 access token (JWT) from the configured issuer for the configured " +
                    "audience, signed with one of the configured public keys by an allowed asymmetric algorithm, with an expiry (30 s skew).",
            },
        };
    }
}
