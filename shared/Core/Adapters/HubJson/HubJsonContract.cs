using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Adapters.HubJson;

/// <summary>
/// The contract a WMS implements to receive the hub's documents in hub-json, functions/openapi/wms-outbound.json,
/// generated from the registered OMS -> WMS flows so that adding a flow never needs an edit of the contract. What is
/// the same for every flow (info, security, the Idempotency-Key parameter, the responses, the problem) is written once
/// here and the stock listing by <see cref="HubJsonStockDialect"/>; per flow, in registry order, come its path
/// (<see cref="HubJsonDialect.PathOf"/>, the definition's summary, its actions) and the schemas of its document record
/// and of every record it reaches, read from the records the dialect serializes: their primary-constructor parameters
/// as the serializer names them, required unless nullable, described by their attributes
/// (<see cref="DescriptionAttribute"/>, <see cref="StringLengthAttribute"/>, <see cref="RegularExpressionAttribute"/>,
/// <see cref="UrlAttribute"/>, <see cref="AllowedValuesAttribute"/>, <see cref="RangeAttribute"/>).
/// </summary>
public static class HubJsonContract
{
    /// <summary>Where the generated contract is checked in, relative to the repository root.</summary>
    public static readonly string CheckedInPath = Path.Combine("functions", "openapi", "wms-outbound.json");

    private const string Schemas = "#/components/schemas/";

    // Indented with two spaces and "\n" on every machine, and readable: the file is read by people at WMS vendors
    // ("WMS's", "->"), not embedded in HTML.
    private static readonly JsonSerializerOptions FileFormat = new()
    {
        WriteIndented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The whole OpenAPI 3.0.3 document for these flows (the hub's are <c>HubFlows.OmsToWms</c>).</summary>
    public static JsonObject Generate(IEnumerable<OutboundFlowDefinition> flows)
    {
        var registered = flows.ToList();

        // Every flow's records first, then what they share, then the envelopes: the order the contract was written in.
        var records = new RecordSchemas();
        foreach (var flow in registered)
        {
            records.Reference(flow.DocumentType, $"flow {flow.Name}");
        }

        var schemas = records.Schemas;
        schemas.Add("Problem", Problem());
        var paths = new JsonObject();
        foreach (var flow in registered)
        {
            paths.Add("/" + HubJsonDialect.PathOf(flow.Name), new JsonObject { ["post"] = Operation(flow) });
            schemas.Add(EnvelopeName(flow.DocumentType), Envelope(flow));
        }

        paths.Add("/" + HubJsonStockDialect.ListingPath, HubJsonStockDialect.ContractPath());
        foreach (var (name, schema) in HubJsonStockDialect.ContractSchemas())
        {
            schemas.Add(name, schema);
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = Info(),
            ["servers"] = Servers(),
            ["security"] = new JsonArray(new JsonObject { ["apiKey"] = new JsonArray() }, new JsonObject { ["oauth2"] = new JsonArray() }),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = SecuritySchemes(),
                ["parameters"] = new JsonObject { ["IdempotencyKey"] = IdempotencyKeyParameter() },
                ["headers"] = new JsonObject { ["RetryAfter"] = RetryAfterHeader() },
                ["schemas"] = schemas,
            },
        };
    }

    /// <summary>The document as the file holds it: indented JSON and a trailing newline.</summary>
    public static string Write(JsonObject contract) => contract.ToJsonString(FileFormat) + "\n";

    /// <summary>The schema a document record (or a record it reaches) is described by: its name without "Wms".</summary>
    public static string SchemaName(Type record) => HubJsonDialect.DocumentName(record);

    /// <summary>The schema of the whole request body of a flow: <c>{"messageId","action","version","&lt;document&gt;"}</c>.</summary>
    public static string EnvelopeName(Type document) => SchemaName(document) + "Document";

    internal static JsonObject IdempotencyKey() => new() { ["$ref"] = "#/components/parameters/IdempotencyKey" };

    internal static JsonObject RetryAfter() => new() { ["Retry-After"] = new JsonObject { ["$ref"] = "#/components/headers/RetryAfter" } };

    internal static JsonObject Reference(string schema) => new() { ["$ref"] = Schemas + schema };

    private static JsonObject Info() => new()
    {
        ["title"] = "WmsFunctions: what the hub sends to a WMS (hub-json adapter)",
        ["version"] = "1.0.0",
        ["description"] =
            "The OMS -> WMS documents the hub POSTs to a WMS instance that speaks the hub's own JSON contract (adapter `hub-json`). " +
            "Paths are relative to the instance's `Outbound:BaseUrl`. Every code is already the WMS's own (SKU alias, location, unit, " +
            "carrier, service, reason), quantities are in the WMS's unit. Deliveries are at least once: de-duplicate on " +
            "`Idempotency-Key` (= `messageId`) and apply a `version` only over an older one. Generated from the hub's registered flows " +
            "and their document records by shared/Core/Adapters/HubJson/HubJsonContract.cs; never edited by hand.",
    };

    private static JsonArray Servers() => new(new JsonObject
    {
        ["url"] = "{baseUrl}",
        ["variables"] = new JsonObject
        {
            ["baseUrl"] = new JsonObject
            {
                ["default"] = "https://wms.example.test/api/v1",
                ["description"] = "Outbound:BaseUrl of the instance",
            },
        },
    });

    private static JsonObject SecuritySchemes() => new()
    {
        ["apiKey"] = new JsonObject
        {
            ["type"] = "apiKey",
            ["in"] = "header",
            ["name"] = "X-Api-Key",
            ["description"] = "Outbound:Auth:Scheme ApiKey; the header name is Outbound:Auth:ApiKeyHeader.",
        },
        ["oauth2"] = new JsonObject
        {
            ["type"] = "oauth2",
            ["description"] =
                "Outbound:Auth:Scheme OAuth2ClientCredentials: client_secret_basic, token cached until shortly before expires_in; " +
                "a 401 gets one retry with a fresh token.",
            ["flows"] = new JsonObject
            {
                ["clientCredentials"] = new JsonObject
                {
                    ["tokenUrl"] = "https://wms.example.test/oauth/token",
                    ["scopes"] = new JsonObject(),
                },
            },
        },
    };

    private static JsonObject IdempotencyKeyParameter() => new()
    {
        ["name"] = "Idempotency-Key",
        ["in"] = "header",
        ["required"] = true,
        ["schema"] = new JsonObject { ["type"] = "string" },
        ["description"] = "The OMS message id; the same on every redelivery of the same document.",
    };

    private static JsonObject RetryAfterHeader() => new()
    {
        ["schema"] = new JsonObject { ["type"] = "string" },
        ["description"] = "Delta seconds or an HTTP date.",
    };

    private static JsonObject Problem() => new()
    {
        ["type"] = "object",
        ["description"] =
            "RFC 9457 problem details. A `type` ending in `order-batched` tells the hub the order is already in a wave: the change " +
            "is raised for a person and not sent again.",
        ["properties"] = new JsonObject
        {
            ["type"] = new JsonObject { ["type"] = "string", ["format"] = "uri-reference" },
            ["title"] = new JsonObject { ["type"] = "string" },
            ["status"] = new JsonObject { ["type"] = "integer" },
            ["detail"] = new JsonObject { ["type"] = "string" },
        },
    };

    /// <summary>
    /// One flow's POST. An upsert-only flow replaces the WMS's entity as a whole, hence put&lt;Document&gt; (the
    /// operation ids a WMS's generated server may already be named after); the others post&lt;Document&gt;.
    /// </summary>
    private static JsonObject Operation(OutboundFlowDefinition flow) => new()
    {
        ["operationId"] = (flow.Actions.All(a => a == "upsert") ? "put" : "post") + SchemaName(flow.DocumentType),
        ["summary"] = flow.Summary,
        ["parameters"] = new JsonArray(IdempotencyKey()),
        ["requestBody"] = new JsonObject
        {
            ["required"] = true,
            ["content"] = new JsonObject
            {
                ["application/json"] = new JsonObject { ["schema"] = Reference(EnvelopeName(flow.DocumentType)) },
            },
        },
        ["responses"] = new JsonObject
        {
            ["2XX"] = new JsonObject { ["description"] = "Accepted. Any 2xx completes the delivery." },
            ["4XX"] = new JsonObject
            {
                ["description"] =
                    "Refused for good (except 408 and 429): recorded as a failed sync with status and an excerpt of the body; not sent again.",
                ["content"] = new JsonObject
                {
                    ["application/problem+json"] = new JsonObject { ["schema"] = Reference("Problem") },
                },
            },
            ["429"] = new JsonObject
            {
                ["description"] =
                    "Too many requests: retried after Retry-After (up to the instance's MaxRetryAfter), else the message is delivered again later.",
                ["headers"] = RetryAfter(),
            },
            ["503"] = new JsonObject
            {
                ["description"] = "Unavailable: retried after Retry-After, or with exponential backoff; 408 and other 5xx alike.",
                ["headers"] = RetryAfter(),
            },
        },
    };

    /// <summary>The request body <see cref="HubJsonDialect.Render"/> writes around a flow's document.</summary>
    private static JsonObject Envelope(OutboundFlowDefinition flow)
    {
        var property = HubJsonDialect.PropertyOf(flow.DocumentType);
        return new JsonObject
        {
            ["type"] = "object",
            ["additionalProperties"] = false,
            ["required"] = new JsonArray("messageId", "action", "version", property),
            ["properties"] = new JsonObject
            {
                ["messageId"] = new JsonObject
                {
                    ["type"] = "string",
                    ["description"] = "The OMS message (CloudEvent) id: the same on every resend; also sent as Idempotency-Key.",
                },
                ["action"] = new JsonObject
                {
                    ["type"] = "string",
                    ["enum"] = new JsonArray([.. flow.Actions.Select(a => JsonValue.Create(a))]),
                },
                ["version"] = new JsonObject
                {
                    ["type"] = "integer",
                    ["format"] = "int64",
                    ["minimum"] = 1,
                    ["description"] = "The OMS's version of the entity; grows with every change. Ignore a version older than one you have.",
                },
                [property] = Reference(SchemaName(flow.DocumentType)),
            },
        };
    }

    /// <summary>
    /// The schemas of records, in the order they are first reached (a record before the records it holds), each
    /// written from the serializer's own view of it so the schema names exactly what <see cref="HubJsonDialect"/> sends.
    /// </summary>
    private sealed class RecordSchemas
    {
        private readonly Dictionary<string, Type> _named = new(StringComparer.Ordinal);
        private readonly NullabilityInfoContext _nullability = new();

        public JsonObject Schemas { get; } = [];

        public JsonObject Reference(Type record, string from)
        {
            var name = SchemaName(record);
            if (_named.TryGetValue(name, out var known))
            {
                return known == record
                    ? HubJsonContract.Reference(name)
                    : throw new InvalidOperationException($"{from}: {record.FullName} and {known.FullName} would both be the schema '{name}'; rename one.");
            }

            _named.Add(name, record);
            var schema = new JsonObject();
            Schemas.Add(name, schema); // before its children, and a record that holds itself ends here
            Describe(record, schema);
            return HubJsonContract.Reference(name);
        }

        private void Describe(Type record, JsonObject schema)
        {
            var parameters = PrimaryConstructor(record).GetParameters();
            var written = HubJsonDialect.Json.GetTypeInfo(record).Properties;
            if (written.Count != parameters.Length)
            {
                throw new NotSupportedException(
                    $"{record.Name}: the serializer writes {written.Count} properties and the primary constructor has {parameters.Length}; " +
                    "every property of a document record is a positional parameter, so the contract describes all it sends.");
            }

            schema["type"] = "object";
            if (record.GetCustomAttribute<DescriptionAttribute>() is { } description)
            {
                schema["description"] = description.Description;
            }

            schema["additionalProperties"] = false;
            var required = new JsonArray();
            var properties = new JsonObject();
            foreach (var parameter in parameters)
            {
                var where = $"{record.Name}.{parameter.Name}";
                var json = written.SingleOrDefault(p => p.AttributeProvider is PropertyInfo property && property.Name == parameter.Name)
                    ?? throw new NotSupportedException($"{where}: the serializer does not write it as a property.");
                if (Attributes(parameter).Any())
                {
                    // An attribute without "property:" lands on the constructor parameter, which no one reads.
                    throw new NotSupportedException($"{where}: put its contract attributes on the property ([property: ...]).");
                }

                var property = (PropertyInfo)json.AttributeProvider!;
                var nullable = Nullable.GetUnderlyingType(parameter.ParameterType) is not null
                    || (!parameter.ParameterType.IsValueType && _nullability.Create(parameter).WriteState == NullabilityState.Nullable);
                if (!nullable)
                {
                    required.Add(json.Name);
                }

                var value = Value(parameter.ParameterType, new Constraints(property), where);
                if (property.GetCustomAttribute<DescriptionAttribute>() is { } text)
                {
                    // OpenAPI 3.0 ignores every sibling of a $ref.
                    value["description"] = value.ContainsKey("$ref")
                        ? throw new NotSupportedException($"{where}: a record-typed property cannot be described; describe the record ([Description] on the type).")
                        : text.Description;
                }

                properties.Add(json.Name, value);
            }

            schema["required"] = required;
            schema["properties"] = properties;
        }

        private JsonObject Value(Type type, Constraints constraints, string where)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type == typeof(string))
            {
                return constraints.Text(new JsonObject { ["type"] = "string" }, where);
            }

            if (type == typeof(bool))
            {
                return constraints.None(new JsonObject { ["type"] = "boolean" }, where);
            }

            if (type == typeof(int))
            {
                return constraints.Number(new JsonObject { ["type"] = "integer", ["format"] = "int32" }, int.MaxValue, where);
            }

            if (type == typeof(long))
            {
                return constraints.Number(new JsonObject { ["type"] = "integer", ["format"] = "int64" }, long.MaxValue, where);
            }

            if (type == typeof(decimal))
            {
                return constraints.Number(new JsonObject { ["type"] = "number" }, (double)decimal.MaxValue, where);
            }

            if (type == typeof(DateOnly))
            {
                return constraints.None(new JsonObject { ["type"] = "string", ["format"] = "date" }, where);
            }

            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
            {
                // A string constraint on a list describes its strings: the list itself has none.
                return new JsonObject { ["type"] = "array", ["items"] = Value(type.GenericTypeArguments[0], constraints, where + "[]") };
            }

            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>) && type.GenericTypeArguments[0] == typeof(string))
            {
                return new JsonObject { ["type"] = "object", ["additionalProperties"] = Value(type.GenericTypeArguments[1], constraints, where + "{}") };
            }

            if (IsRecord(type))
            {
                return constraints.None(Reference(type, where), where);
            }

            throw new NotSupportedException($"{where}: {type.Name} has no schema in the hub-json contract yet; teach HubJsonContract the type.");
        }

        private static ConstructorInfo PrimaryConstructor(Type record)
        {
            var constructors = record.GetConstructors(BindingFlags.Public | BindingFlags.Instance);
            return IsRecord(record) && constructors.Length == 1
                ? constructors[0]
                : throw new NotSupportedException($"{record.Name}: a document and everything it holds are positional records with one public constructor.");
        }

        private static bool IsRecord(Type type) => type.IsClass && type.GetMethod("<Clone>$") is not null;

        private static IEnumerable<Attribute> Attributes(ParameterInfo parameter) =>
            parameter.GetCustomAttributes<Attribute>().Where(a => a is DescriptionAttribute or ValidationAttribute);
    }

    /// <summary>
    /// The constraint attributes of one property, written where the value they constrain is (on a list or a map: its
    /// elements); an attribute that does not fit the value is an error rather than a constraint silently dropped.
    /// </summary>
    private sealed class Constraints(PropertyInfo property)
    {
        private readonly StringLengthAttribute? _length = property.GetCustomAttribute<StringLengthAttribute>();
        private readonly RegularExpressionAttribute? _pattern = property.GetCustomAttribute<RegularExpressionAttribute>();
        private readonly UrlAttribute? _url = property.GetCustomAttribute<UrlAttribute>();
        private readonly AllowedValuesAttribute? _allowed = property.GetCustomAttribute<AllowedValuesAttribute>();
        private readonly RangeAttribute? _range = property.GetCustomAttribute<RangeAttribute>();

        private readonly ValidationAttribute[] _unknown = [.. property.GetCustomAttributes<ValidationAttribute>()
            .Where(a => a is not (StringLengthAttribute or RegularExpressionAttribute or UrlAttribute or AllowedValuesAttribute or RangeAttribute))];

        public JsonObject Text(JsonObject schema, string where)
        {
            Fits(_range is null, where, "a range");
            if (_url is not null)
            {
                schema["format"] = "uri";
            }

            if (_length is not null)
            {
                if (_length.MinimumLength > 0)
                {
                    schema["minLength"] = _length.MinimumLength;
                }

                schema["maxLength"] = _length.MaximumLength;
            }

            if (_pattern is not null)
            {
                schema["pattern"] = _pattern.Pattern;
            }

            if (_allowed is not null)
            {
                schema["enum"] = new JsonArray([.. _allowed.Values.Select(v => v as string
                    ?? throw new NotSupportedException($"{where}: the allowed values of a string are strings."))
                    .Select(v => JsonValue.Create(v))]);
            }

            return schema;
        }

        public JsonObject Number(JsonObject schema, double typeMaximum, string where)
        {
            Fits(_length is null && _pattern is null && _url is null && _allowed is null, where, "a string constraint");
            if (_range is not null)
            {
                schema["minimum"] = Bound(_range.Minimum, schema);

                // Range has no open end: a maximum at the type's own limit says nothing the format does not.
                if (Convert.ToDouble(_range.Maximum, System.Globalization.CultureInfo.InvariantCulture) < typeMaximum)
                {
                    schema["maximum"] = Bound(_range.Maximum, schema);
                }
            }

            return schema;
        }

        public JsonObject None(JsonObject schema, string where)
        {
            Fits(_length is null && _pattern is null && _url is null && _allowed is null && _range is null, where, "a constraint");
            return schema;
        }

        private static JsonValue Bound(object bound, JsonObject schema) =>
            (string?)schema["type"] == "integer"
                ? JsonValue.Create(Convert.ToInt64(bound, System.Globalization.CultureInfo.InvariantCulture))
                : JsonValue.Create(Convert.ToDecimal(bound, System.Globalization.CultureInfo.InvariantCulture));

        private void Fits(bool fits, string where, string what)
        {
            if (!fits)
            {
                throw new NotSupportedException($"{where}: {what} does not fit its type.");
            }

            if (_unknown.Length > 0)
            {
                throw new NotSupportedException($"{where}: {_unknown[0].GetType().Name} has no place in the hub-json contract yet; teach HubJsonContract it.");
            }
        }
    }
}
