using WmsFunctions.Handler.Http;
using WmsFunctions.Operations;
using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Platform.Problems;

namespace WmsFunctions.Handler.Operations;

/// <summary>
/// The fence in front of the operator API: the host's function key in Azure, then an operator bearer token or
/// development key checked here, for the tenant in the route. 401 (with WWW-Authenticate) without valid
/// credentials, 403 for a caller without the operator role or for another tenant; either way the endpoint does
/// not run, nothing is read or changed, and the refusal leaves an audit entry outside every tenant's data.
/// It is an endpoint filter that <see cref="HandlerApp.MapWmsFunctions"/> puts in front of every function whose
/// audience is the operator, so no operator endpoint can forget it; the endpoint reads who was let in with
/// <see cref="OperatorContext.AuthenticatedOperator"/>.
/// </summary>
public sealed class OperatorGate(OperatorAuthenticator authenticator, AuditLog audit, TimeProvider time) : IEndpointFilter
{
    public const string KeyHeader = OperatorAuthenticator.KeyHeader;

    /// <summary>The route value every operator route names the tenant with.</summary>
    public const string TenantRouteValue = "tenant";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var tenant = http.Request.RouteValues[TenantRouteValue] as string
            ?? throw new InvalidOperationException($"Operator route {http.Request.Path} has no {{{TenantRouteValue}}}.");
        var outcome = await authenticator.AuthenticateAsync(
            http.Request.Headers[KeyHeader].FirstOrDefault(), http.Request.Headers.Authorization.FirstOrDefault(), tenant).ConfigureAwait(false);
        switch (outcome)
        {
            case OperatorAuthentication.Allowed allowed:
                OperatorContext.Admit(http, allowed.Operator);
                return await next(context).ConfigureAwait(false);
            case OperatorAuthentication.Unauthenticated denied:
                http.Response.Headers.WWWAuthenticate = denied.Challenge;
                await AuditRefusalAsync(http, tenant, null, "unauthorized", denied.Detail).ConfigureAwait(false);
                return ProblemResults.For(Problem.Unauthorized(denied.Detail), http);
            default:
                var forbidden = (OperatorAuthentication.Forbidden)outcome;
                await AuditRefusalAsync(http, tenant, forbidden.Actor, "forbidden", forbidden.Detail).ConfigureAwait(false);
                return ProblemResults.For(new Problem("forbidden", 403, "Not allowed for this operator", forbidden.Detail), http);
        }
    }

    private Task AuditRefusalAsync(HttpContext context, string tenant, string? actor, string reason, string detail) =>
        audit.TryWriteAsync(
            new AuditEntry(AuditLog.UnauthenticatedTenant, time.GetUtcNow(), "operations", "refused",
                EntityType: "tenant", EntityId: tenant.Length > 64 ? tenant[..64] : tenant, Reason: reason,
                Summary: $"{context.Request.Method} {context.Request.Path}: {detail}" + (actor is null ? "" : $" (actor {actor})")),
            context.RequestAborted);
}

/// <summary>Puts the <see cref="OperatorGate"/> in front of operator endpoints and hands them who it let in.</summary>
public static class OperatorContext
{
    /// <summary>
    /// Runs <see cref="OperatorGate"/> before the endpoint. The route must name the tenant: an operator route
    /// without one is refused at startup rather than left open.
    /// </summary>
    public static RouteHandlerBuilder RequireOperator(this RouteHandlerBuilder endpoint, string route)
    {
        if (!route.Contains($"{{{OperatorGate.TenantRouteValue}}}", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Operator route {route} must name the tenant as {{{OperatorGate.TenantRouteValue}}}.");
        }

        return endpoint.AddEndpointFilterFactory((factory, next) =>
        {
            var gate = factory.ApplicationServices.GetRequiredService<OperatorGate>();
            return invocation => gate.InvokeAsync(invocation, next);
        });
    }

    /// <summary>
    /// The operator the gate let in for this request. Throws when the gate did not run: an endpoint that reads the
    /// operator without being behind the gate is a bug, answered as an internal error, never as anonymous.
    /// </summary>
    public static OperatorIdentity AuthenticatedOperator(this HttpContext context) =>
        context.Features.Get<AdmittedOperator>()?.Identity
        ?? throw new InvalidOperationException($"{context.Request.Path} read the operator, but the operator gate did not run for it.");

    internal static void Admit(HttpContext context, OperatorIdentity identity) => context.Features.Set(new AdmittedOperator(identity));

    private sealed record AdmittedOperator(OperatorIdentity Identity);
}
