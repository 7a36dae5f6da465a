namespace WmsFunctions.Handler.Webhooks;

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
