using WmsFunctions.Problems;
using WmsFunctions.WebhookSecurity;

namespace WmsFunctions.Handler.Operations;

/// <summary>Who may use the operator endpoints: keys (stored as SHA-256 hashes) under "Hub:Operators".</summary>
public sealed class OperatorOptions
{
    public const string SectionName = "Hub:Operators";

    public List<string> ApiKeySha256 { get; set; } = [];
}

/// <summary>
/// The fence in front of the operator API: the host's function key in Azure, plus an operator key checked here.
/// Answers the operator's identity (a short fingerprint of the key, never the key) for the audit trail.
/// </summary>
public sealed class OperatorGate(Microsoft.Extensions.Options.IOptions<OperatorOptions> options)
{
    public const string KeyHeader = "X-Operator-Key";

    private readonly byte[][] _hashes = options.Value.ApiKeySha256.Select(Convert.FromHexString).ToArray();

    public bool TryAuthenticate(HttpContext context, out string actor, out IResult refusal)
    {
        var key = context.Request.Headers[KeyHeader].FirstOrDefault();
        if (ApiKeys.Verify(key, _hashes))
        {
            actor = "operator-key:" + ApiKeys.Hash(key!)[..12];
            refusal = Results.Empty;
            return true;
        }

        context.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{KeyHeader}\"";
        actor = "";
        refusal = Webhooks.WebhookGate.ProblemResult(
            Problem.Unauthorized($"Send an operator key in the {KeyHeader} header."), context.Request.Path, context.TraceIdentifier);
        return false;
    }
}
