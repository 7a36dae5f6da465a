using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Pipeline.Webhooks;

namespace WmsFunctions.Handler.Webhooks;

/// <summary>
/// The OpenAPI document of the handler (Microsoft.AspNetCore.OpenApi), served at <see cref="Route"/> and checked in
/// at functions/openapi/v1.json. Each webhook describes its own request body and 202 answer (attributes on its
/// <c>*Api</c> method); what every webhook shares is added here: the refusals as RFC 9457 problem details, the
/// credential headers, and the security schemes an instance can be configured for, each together with the host's
/// function key.
/// </summary>
internal static class WebhookOpenApi
{
    public const string DocumentName = "v1";

    public const string Route = "/openapi/{documentName}.json";

    /// <summary>Every refusal a webhook can answer, whatever its flow.</summary>
    public static readonly IReadOnlyList<int> RefusalStatuses = [400, 401, 403, 409, 413, 415, 422];

    private const string FunctionKey = "functionKey";
    private const string ApiKey = "apiKey";
    private const string Signature = "standardWebhooks";
    private const string Bearer = "bearer";
    private const string OperatorKey = "operatorKey";
    private const string OperatorBearer = "operatorBearer";

    public static IServiceCollection AddWebhookOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                Describe(document);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(async (operation, context, cancellationToken) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<WebhookRequestAttribute>().FirstOrDefault() is { } request)
                {
                    var schema = await context.GetOrCreateSchemaAsync(request.Type, null, cancellationToken).ConfigureAwait(false);
                    context.Document!.AddComponent(request.Type.Name, schema);
                    operation.RequestBody = new OpenApiRequestBody
                    {
                        Required = true,
                        Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
                        {
                            [request.ContentType] = new() { Schema = new OpenApiSchemaReference(request.Type.Name, context.Document) },
                        },
                    };
                }

                if (metadata.OfType<FunctionDefinition>().Any(f => f.IsWebhook))
                {
                    DescribeWebhook(operation, context.Document!);
                }
                else if (metadata.OfType<FunctionDefinition>().Any(f => f.Trigger is HttpTrigger { Audience: HttpAudience.Marketplace }))
                {
                    // A marketplace signs with the channel's Standard Webhooks secrets (and the host's function key in Azure).
                    operation.Security =
                    [
                        new OpenApiSecurityRequirement
                        {
                            [new OpenApiSecuritySchemeReference(FunctionKey, context.Document)] = [],
                            [new OpenApiSecuritySchemeReference(Signature, context.Document)] = [],
                        },
                    ];
                }
                else if (metadata.OfType<FunctionDefinition>().Any(f => f.IsOperatorEndpoint))
                {
                    DescribeOperatorEndpoint(operation, context.Document!);
                }
            });
            options.AddSchemaTransformer((schema, context, _) =>
            {
                if (context.JsonTypeInfo.Type == typeof(ProblemDetails))
                {
                    DescribeProblemExtensions(schema);
                }

                RequiredMeansPresent(schema);
                if (context.JsonTypeInfo.Type == typeof(Edi.X12Api.X12Interchange))
                {
                    schema.Type = JsonSchemaType.String; // X12 text, not JSON
                }

                return Task.CompletedTask;
            });
        });

    /// <summary>What every forwarded webhook may answer besides its own 202.</summary>
    public static RouteHandlerBuilder WithWebhookRefusals(this RouteHandlerBuilder endpoint)
    {
        foreach (var status in RefusalStatuses)
        {
            endpoint.ProducesProblem(status);
        }

        return endpoint.WithTags("WMS webhooks");
    }

    /// <summary>What every operator endpoint may answer besides its own 200.</summary>
    public static RouteHandlerBuilder WithOperatorRefusals(this RouteHandlerBuilder endpoint) =>
        endpoint.ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).WithTags("Operations");

    private static void DescribeOperatorEndpoint(OpenApiOperation operation, OpenApiDocument document)
    {
        OpenApiSecurityRequirement With(string scheme) => new()
        {
            [new OpenApiSecuritySchemeReference(FunctionKey, document)] = [],
            [new OpenApiSecuritySchemeReference(scheme, document)] = [],
        };
        operation.Security = [With(OperatorBearer), With(OperatorKey)];
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

    private static void Describe(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = "WmsFunctions: WMS -> OMS webhooks and the operations API",
            Version = DocumentName,
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

    private static void DescribeWebhook(OpenApiOperation operation, OpenApiDocument document)
    {
        OpenApiSecurityRequirement With(string scheme) => new()
        {
            [new OpenApiSecuritySchemeReference(FunctionKey, document)] = [],
            [new OpenApiSecuritySchemeReference(scheme, document)] = [],
        };

        operation.Security = [With(ApiKey), With(Signature), With(Bearer)];
        operation.Parameters ??= [];
        foreach (var path in operation.Parameters.OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Path))
        {
            path.Description = path.Name == "tenant" ? "The retailer (tenant) id." : "The WMS instance id within the tenant; its credentials must be sent.";
        }

        foreach (var (name, description) in new[]
        {
            (StandardWebhooks.IdHeader, "Standard Webhooks instances: the message id, the same on every retry (at most 128 visible ASCII characters)."),
            (StandardWebhooks.TimestampHeader, "Standard Webhooks instances: when this attempt was signed, in Unix seconds."),
            (WebhookGate.CorrelationHeader, "Optional: the caller's correlation id (1-64 letters, digits, '-', '_', '.'), echoed in the answer and the audit."),
        })
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Header,
                Required = false,
                Description = description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }

        if (operation.Responses?.TryGetValue("202", out var accepted) == true && accepted is OpenApiResponse answer)
        {
            answer.Description = "Accepted: applied exactly once, stored, and on its way to the OMS as a CloudEvent.";
            answer.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal);
            answer.Headers[WebhookGate.ReplayedHeader] = new OpenApiHeader
            {
                Description = "\"true\" when the event (or Standard Webhooks message) was received before: the original answer, nothing applied twice.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            };
        }

        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is OpenApiResponse refusal && RefusalDescriptions.TryGetValue(status, out var description))
            {
                refusal.Description = description;
            }
        }
    }

    private static readonly Dictionary<string, string> RefusalDescriptions = new(StringComparer.Ordinal)
    {
        ["400"] = "malformed-json (not JSON, wrong types, nested deeper than 16) or invalid-event (missing or out-of-range fields, listed in errors).",
        ["401"] = "unauthorized: missing or wrong credentials for the instance's scheme, a bad signature, a timestamp more than 5 minutes off, an invalid token.",
        ["403"] = "location-not-allowed, purchase-order-not-allowed or pick-slip-not-yours: a location, PO or pick slip of another WMS instance of the tenant. Nothing is written.",
        ["409"] = "delivery-in-progress: the same Standard Webhooks message is being handled by another request; retry shortly.",
        ["413"] = "payload-too-large: the body is larger than 64 KiB.",
        ["415"] = "unsupported-media-type: send application/json (UTF-8).",
        ["422"] = "event-id-reused, webhook-id-reused, unknown-sku, unknown-location, unknown-purchase-order, unknown-purchase-order-line or sku-not-on-purchase-order-line.",
        ["503"] = "pick-slip-not-yet-known: the OMS has not handed the slip to the hub yet; nothing written, retry after Retry-After seconds.",
    };

    /// <summary>
    /// Request properties are nullable in C# so that a missing one is reported with its field name (invalid-event);
    /// in the contract a [Required] one must be there and not null.
    /// </summary>
    private static void RequiredMeansPresent(OpenApiSchema schema)
    {
        foreach (var name in schema.Required ?? new HashSet<string>())
        {
            if (schema.Properties?.TryGetValue(name, out var property) == true && property is OpenApiSchema { Type: { } type } required)
            {
                required.Type = type & ~JsonSchemaType.Null;
            }
        }
    }

    private static void DescribeProblemExtensions(OpenApiSchema schema)
    {
        schema.Description = "RFC 9457 problem details; type is urn:wmsfunctions:problem:<kind>.";
        schema.Properties ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        schema.Properties["correlationId"] = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "The request's correlation id, as in the X-Correlation-Id answer header and the audit log.",
        };
        schema.Properties["errors"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "invalid-event: the faulty fields (JSON names, e.g. lines[1].quantity) and what is wrong with each.",
            AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
        };
    }
}

/// <summary>
/// The JSON body a webhook reads, for its OpenAPI description only. (An <c>[Consumes]</c> attribute would also make
/// routing refuse other content types with a bare 415, before the gate could answer with problem details and audit it.)
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class WebhookRequestAttribute(Type type) : Attribute
{
    public Type Type { get; } = type;

    /// <summary>The body's media type (the X12 webhook reads application/edi-x12 text).</summary>
    public string ContentType { get; init; } = "application/json";
}
