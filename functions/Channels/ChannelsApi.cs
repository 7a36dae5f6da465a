using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using WmsFunctions.Flows.Channels;
using WmsFunctions.Handler.Http;
using WmsFunctions.Pipeline.Webhooks;
using WmsFunctions.Platform.Json;
using WmsFunctions.Platform.Problems;

namespace WmsFunctions.Handler.Channels;

/// <summary>The operators' view of the channels.</summary>
public static class ChannelsApi
{
    public const int MaxDays = 366;

    /// <summary>Orders and fulfilment by channel and order source for orders created in [from, to).</summary>
    [EndpointSummary("Channel orders and fulfilment")]
    [EndpointDescription("Query: from, to (ISO 8601 instants, to after from, at most 366 days apart). Per channel and order source: orders, accepted, held (by reason), shipped orders, lines, shipped lines, average hours from order to first shipment.")]
    [ProducesResponseType(typeof(ChannelReportResult), StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<IResult> ReportAsync(string tenant, HttpContext context, ChannelReport report, ChannelDirectory channels)
    {
        var query = context.Request.Query;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var from = Instant(query["from"].FirstOrDefault(), "from", errors);
        var to = Instant(query["to"].FirstOrDefault(), "to", errors);
        if (errors.Count == 0 && (to <= from || (to - from).TotalDays > MaxDays))
        {
            errors["to"] = [$"Must be after 'from', at most {MaxDays} days later."];
        }

        if (errors.Count > 0)
        {
            return ProblemResults.InvalidQuery(errors, context);
        }

        if (channels.OfTenant(tenant).Count == 0)
        {
            return ProblemResults.For(
                new Problem("tenant-has-no-channels", 404, "No channels", $"Tenant '{tenant}' sells on no configured channel."), context);
        }

        return TypedResults.Json(await report.BuildAsync(tenant, from, to, context.RequestAborted).ConfigureAwait(false));
    }

    private static DateTimeOffset Instant(string? text, string name, Dictionary<string, string[]> errors)
    {
        if (text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }

        errors[name] = ["Required: an ISO 8601 instant, e.g. 2026-11-23T00:00:00Z."];
        return default;
    }
}

/// <summary>The push variant of order intake: a marketplace posts an order as it changes.</summary>
public static class ChannelOrdersWebhook
{
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>
    /// One order pushed by a marketplace, signed with Standard Webhooks (the same scheme as the WMS webhooks; secrets per
    /// channel in app settings). It goes the way of a pulled order: inbox (order id + update time de-duplicates), holds,
    /// reservation, the OMS through the outbox.
    /// </summary>
    [EndpointSummary("Marketplace order push")]
    [EndpointDescription("Body: one order in the channel's marketplace dialect (ChannelAdvisor: ID, CreatedDateUtc, UpdatedDateUtc, PaymentStatus, ShippingStatus, FlagID, Items with BundleComponents). Headers: webhook-id, webhook-timestamp, webhook-signature. 202 with the decision (accepted, held with a reason, unchanged, stale, flagged); the same order version again is answered as before.")]
    [ProducesResponseType(typeof(ChannelOrderAnswer), StatusCodes.Status202Accepted, "application/json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> PostAsync(
        string tenant, string channel, HttpContext context, ChannelDirectory channels, MarketplaceAdapters adapters, ChannelOrderIntake intake,
        Microsoft.Extensions.Configuration.IConfiguration configuration, TimeProvider time)
    {
        if (!channels.TryGet(tenant, channel, out var found) || found.Options.WebhookSecretSettings.Count == 0)
        {
            return ProblemResults.For(new Problem("unknown-channel", 404, "Unknown channel", $"No channel '{channel}' takes pushed orders for tenant '{tenant}'."), context);
        }

        var headers = context.Request.Headers;
        var (id, timestamp, signature) = (headers[StandardWebhooks.IdHeader].ToString(), headers[StandardWebhooks.TimestampHeader].ToString(),
            headers[StandardWebhooks.SignatureHeader].ToString());
        if (StandardWebhooks.CheckHeaders(id, timestamp, signature, time.GetUtcNow()) != SignatureHeadersCheck.Valid)
        {
            return Unauthorized(context, "Sign the order with Standard Webhooks: webhook-id, a fresh webhook-timestamp and webhook-signature.");
        }

        // Raw bytes, whatever the Content-Type: the signature covers them as sent, and the marketplace's adapter reads its own dialect.
        if (await RequestBody.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted).ConfigureAwait(false) is not { } body)
        {
            return ProblemResults.For(Problem.PayloadTooLarge(MaxBodyBytes), context);
        }

        var secrets = found.Options.WebhookSecretSettings
            .Select(s => StandardWebhooks.TryParseSecret(configuration[s], out var secret) ? secret : null)
            .OfType<byte[]>()
            .ToList();
        if (!StandardWebhooks.Verify(id, timestamp, signature, body.Span, secrets))
        {
            return Unauthorized(context, "The webhook-signature does not match the body.");
        }

        // A name given twice (compared ignoring case) is refused whatever the dialect: see ContractJson.
        if (ContractJson.DuplicateProperty(body.Span) is { } duplicate)
        {
            return ProblemResults.For(Problem.MalformedJson(ContractJson.DuplicateDetail(duplicate)), context);
        }

        MarketplaceOrder order;
        try
        {
            order = adapters.For(found).ReadPushedOrder(body.Span);
        }
        catch (System.Text.Json.JsonException error)
        {
            return ProblemResults.For(Problem.MalformedJson(error.Message), context);
        }

        var result = await intake.AcceptAsync(found, order, context.RequestAborted).ConfigureAwait(false);
        if (result.Problem is { } problem)
        {
            return ProblemResults.For(problem, context);
        }

        if (result.Replayed)
        {
            context.Response.Headers["Idempotent-Replayed"] = "true";
        }

        return Results.Text(result.Body ?? "{}", "application/json", statusCode: result.Status);
    }

    private static IResult Unauthorized(HttpContext context, string detail)
    {
        context.Response.Headers.WWWAuthenticate = "StandardWebhooks";
        return ProblemResults.For(Problem.Unauthorized(detail), context);
    }
}
