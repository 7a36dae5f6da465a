using Microsoft.Extensions.Configuration;
using WmsFunctions.Pipeline.Webhooks;
using WmsFunctions.UnitTests.Tenancy;

namespace WmsFunctions.UnitTests.WebhookSecurity;

/// <summary>Every instance's Auth section is checked at start, with the secret settings it names.</summary>
public sealed class WebhookAuthOptionsValidatorTests
{
    private static readonly WebhookAuthOptionsValidator Validator = new();

    [Fact]
    public void Validate_GoodOptions_Succeeds() =>
        Assert.True(Validator.Validate(null, TestInstances.Auth()).Succeeded);

    [Fact]
    public void Validate_InstanceWithoutKey_FailsNamingTheSetting()
    {
        var auth = TestInstances.Auth().Set("acme", "bad", new WebhookAuthOptions());

        var result = Validator.Validate(null, auth);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Hub:Tenants:acme:Instances:bad:Auth:ApiKeySha256", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_KeyHashThatIsNoSha256_Fails()
    {
        var auth = TestInstances.Auth().Set("acme", "east", new WebhookAuthOptions { ApiKeySha256 = ["secret-in-clear"] });

        Assert.True(Validator.Validate(null, auth).Failed);
    }

    [Fact]
    public void Validate_UnsupportedScheme_Fails()
    {
        var auth = TestInstances.Auth().Set("acme", "east", new WebhookAuthOptions { Scheme = "Basic" });

        Assert.True(Validator.Validate(null, auth).Failed);
    }

    [Fact]
    public void Validate_StandardWebhooksInstance_ChecksTheNamedSecretSettings()
    {
        var auth = TestInstances.Auth().Set("acme", "east", new WebhookAuthOptions
        {
            Scheme = WebhookAuthOptions.StandardWebhooksScheme,
            SecretSettings = ["WMS_ACME_EAST_SECRET"],
        });
        var withSecret = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["WMS_ACME_EAST_SECRET"] = StandardWebhooks.NewSecret() }).Build();
        var without = new ConfigurationBuilder().Build();

        Assert.True(new WebhookAuthOptionsValidator(withSecret).Validate(null, auth).Succeeded);
        var failed = new WebhookAuthOptionsValidator(without).Validate(null, auth);
        Assert.True(failed.Failed);
        Assert.Contains(failed.Failures!, f => f.Contains("Hub:Tenants:acme:Instances:east:Auth:SecretSettings: app setting 'WMS_ACME_EAST_SECRET' is not set", StringComparison.Ordinal));
    }
}
