using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Pipeline.Webhooks;

namespace WmsFunctions.Handler.Webhooks;

/// <summary>
/// The OpenAPI document of the handler (Microsoft.AspNetCore.OpenApi), served at <see cref="Route"/> and checked in
/// at functions/openapi/v1.json. Each webhook describes its own request body and 202 answer (attributes on its
/// <c>*Api</c> method); what every webhook shares is added here: the refusals as RFC 9457 problem details, the
/// credential headers, and the security schemes an instance can be configured for, each together with the host's
/// function key. The schemes and the document's description are in <see cref="OpenApiSecuritySchemes"/>, what
/// operator endpoints share in <see cref="OperatorOpenApi"/>.
/// </summary>
internal static class WebhookOpenApi
{
    public const string DocumentName = "v1";

    public const string Route = "/openapi/{documentName}.json";

    /// <summary>Every refusal a webhook can answer, whatever its flow.</summary>
    public static readonly IReadOnlyList<int> RefusalStatuses = [400, 401, 403, 409, 413, 415, 422];

    public static IServiceCollection AddWebhookOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                OpenApiSecuritySchemes.Describe(document);
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
                    operation.Security = [OpenApiSecuritySchemes.WithFunctionKey(OpenApiSecuritySchemes.Signature, context.Document!)];
                }
                else if (metadata.OfType<FunctionDefinition>().Any(f => f.IsOperatorEndpoint))
                {
                    OperatorOpenApi.DescribeOperatorEndpoint(operation, context.Document!);
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

    private static void DescribeWebhook(OpenApiOperation operation, OpenApiDocument document)
    {
        operation.Security =
        [
            OpenApiSecuritySchemes.WithFunctionKey(OpenApiSecuritySchemes.ApiKey, document),
            OpenApiSecuritySchemes.WithFunctionKey(OpenApiSecuritySchemes.Signature, document),
            OpenApiSecuritySchemes.WithFunctionKey(OpenApiSecuritySchemes.Bearer, document),
        ];
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
        ["503"] = "storage-unavailable: the hub's storage could not be reached within 5 s; nothing written in part, send the same request again " +
            "after Retry-After seconds. Pick in also: pick-slip-not-yet-known, the OMS has not handed the slip to the hub yet.",
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
