using Microsoft.Extensions.Options;
using WmsFunctions.Operations;
using WmsFunctions.Pipeline.Webhooks;

namespace WmsFunctions.UnitTests.Operations;

public sealed class OperatorAuthenticatorTests
{
    private static readonly string AcmeKey = ApiKeys.NewKey();
    private static readonly string BothKey = ApiKeys.NewKey();

    private static OperatorAuthenticator Authenticator() => new(
        Options.Create(new OperatorOptions
        {
            Keys =
            {
                ["acme-desk"] = new OperatorKeyOptions { ApiKeySha256 = ApiKeys.Hash(AcmeKey), Tenants = ["acme"] },
                ["support"] = new OperatorKeyOptions { ApiKeySha256 = ApiKeys.Hash(BothKey), Tenants = ["acme", "globex"] },
            },
        }),
        new BearerTokens(TimeProvider.System));

    [Fact]
    public async Task Key_GrantsItsTenantsOnly_AndNamesTheOperatorByFingerprint()
    {
        var allowed = Assert.IsType<OperatorAuthentication.Allowed>(await Authenticator().AuthenticateAsync(AcmeKey, null, "acme"));
        var forbidden = Assert.IsType<OperatorAuthentication.Forbidden>(await Authenticator().AuthenticateAsync(AcmeKey, null, "globex"));

        Assert.Equal("operator-key:" + ApiKeys.Hash(AcmeKey)[..12], allowed.Operator.Actor);
        Assert.Equal(allowed.Operator.Actor, forbidden.Actor);
        Assert.IsType<OperatorAuthentication.Allowed>(await Authenticator().AuthenticateAsync(BothKey, null, "globex"));
    }

    [Fact]
    public async Task NoOrUnknownCredentials_AreUnauthenticated_WithTheKeyChallenge()
    {
        foreach (var (key, authorization) in new[] { ((string?)null, (string?)null), (ApiKeys.NewKey(), null), (null, "Bearer not.a.jwt") })
        {
            var denied = Assert.IsType<OperatorAuthentication.Unauthenticated>(await Authenticator().AuthenticateAsync(key, authorization, "acme"));
            Assert.Contains("X-Operator-Key", denied.Challenge, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Problems_NameEachBadSetting()
    {
        var problems = OperatorAuthenticator.Problems(new OperatorOptions
        {
            Keys = { ["short"] = new OperatorKeyOptions { ApiKeySha256 = "abc", Tenants = ["acme"] }, ["nobody"] = new OperatorKeyOptions { ApiKeySha256 = new string('a', 64) } },
            Bearer = new OperatorBearerOptions { Audience = "api://ops", Role = "" },
        });

        Assert.Contains(problems, p => p.StartsWith("Hub:Operators:Keys:short:ApiKeySha256", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Hub:Operators:Keys:nobody:Tenants", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Issuer is required", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Role, RoleClaim and TenantsClaim", StringComparison.Ordinal));
        Assert.Empty(OperatorAuthenticator.Problems(new OperatorOptions()));
    }
}
