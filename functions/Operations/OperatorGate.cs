using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Handler.Http;
using WmsFunctions.Operations;
using WmsFunctions.Platform.Problems;

namespace WmsFunctions.Handler.Operations;

/// <summary>
/// The fence in front of the operator API: the host's function key in Azure, then an operator bearer token or
/// development key checked here, for the tenant in the route. 401 (with WWW-Authenticate) without valid
/// credentials, 403 for a caller without the operator role or for another tenant; either way nothing is read or
/// changed, and the refusal leaves an audit entry outside every tenant's data.
/// </summary>
public sealed class OperatorGate(OperatorAuthenticator authenticator, AuditLog audit, TimeProvider time)
{
    public const string KeyHeader = OperatorAuthenticator.KeyHeader;

    /// <summary>The operator, or the refusal to answer with.</summary>
    public async Task<(OperatorIdentity? Operator, IResult? Refusal)> AuthenticateAsync(HttpContext context, string tenant)
    {
        var outcome = await authenticator.AuthenticateAsync(
            context.Request.Headers[KeyHeader].FirstOrDefault(), context.Request.Headers.Authorization.FirstOrDefault(), tenant).ConfigureAwait(false);
        switch (outcome)
        {
            case OperatorAuthentication.Allowed allowed:
                return (allowed.Operator, null);
            case OperatorAuthentication.Unauthenticated denied:
                context.Response.Headers.WWWAuthenticate = denied.Challenge;
                await AuditRefusalAsync(context, tenant, null, "unauthorized", denied.Detail).ConfigureAwait(false);
                return (null, ProblemResults.For(Problem.Unauthorized(denied.Detail), context));
            default:
                var forbidden = (OperatorAuthentication.Forbidden)outcome;
                await AuditRefusalAsync(context, tenant, forbidden.Actor, "forbidden", forbidden.Detail).ConfigureAwait(false);
                return (null, ProblemResults.For(new Problem("forbidden", 403, "Not allowed for this operator", forbidden.Detail), context));
        }
    }

    private Task AuditRefusalAsync(HttpContext context, string tenant, string? actor, string reason, string detail) =>
        audit.TryWriteAsync(
            new AuditEntry(AuditLog.UnauthenticatedTenant, time.GetUtcNow(), "operations", "refused",
                EntityType: "tenant", EntityId: tenant.Length > 64 ? tenant[..64] : tenant, Reason: reason,
                Summary: $"{context.Request.Method} {context.Request.Path}: {detail}" + (actor is null ? "" : $" (actor {actor})")),
            context.RequestAborted);
}
