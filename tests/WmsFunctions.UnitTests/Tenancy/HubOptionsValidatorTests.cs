using Microsoft.Extensions.Configuration;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Platform.Tenancy;
using WmsFunctions.Pipeline.Webhooks;

namespace WmsFunctions.UnitTests.Tenancy;

public class HubOptionsValidatorTests
{
    private static readonly HubOptionsValidator Validator = new();

    [Fact]
    public void Validate_GoodOptions_Succeeds() =>
        Assert.True(Validator.Validate(null, TestInstances.Options()).Succeeded);

    [Fact]
    public void Validate_InstanceWithoutKeyOrLocations_FailsNamingTheSetting()
    {
        var options = TestInstances.Options();
        options.Tenants["acme"].Instances["bad"] = new WmsInstanceOptions();

        var result = Validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("Hub:Tenants:acme:Instances:bad:Auth:ApiKeySha256", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("Hub:Tenants:acme:Instances:bad:Locations", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Acme")]
    [InlineData("_x")]
    [InlineData("a|b")]
    [InlineData("")]
    public void Validate_BadTenantId_Fails(string tenantId)
    {
        var options = TestInstances.Options();
        options.Tenants[tenantId] = new TenantOptions();

        Assert.True(Validator.Validate(null, options).Failed);
    }

    [Fact]
    public void Validate_KeyHashThatIsNoSha256_Fails()
    {
        var options = TestInstances.Options();
        options.Tenants["acme"].Instances["east"].Auth.ApiKeySha256 = ["secret-in-clear"];

        Assert.True(Validator.Validate(null, options).Failed);
    }

    [Fact]
    public void Validate_UnsupportedScheme_Fails()
    {
        var options = TestInstances.Options();
        options.Tenants["acme"].Instances["east"].Auth.Scheme = "Basic";

        Assert.True(Validator.Validate(null, options).Failed);
    }

    [Fact]
    public void Validate_StandardWebhooksInstance_ChecksTheNamedSecretSettings()
    {
        var options = TestInstances.Options();
        options.Tenants["acme"].Instances["east"].Auth = new WebhookAuthOptions
        {
            Scheme = WebhookAuthOptions.StandardWebhooksScheme,
            SecretSettings = ["WMS_ACME_EAST_SECRET"],
        };
        var withSecret = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["WMS_ACME_EAST_SECRET"] = StandardWebhooks.NewSecret() }).Build();
        var without = new ConfigurationBuilder().Build();

        Assert.True(new HubOptionsValidator(withSecret).Validate(null, options).Succeeded);
        var failed = new HubOptionsValidator(without).Validate(null, options);
        Assert.True(failed.Failed);
        Assert.Contains(failed.Failures!, f => f.Contains("Hub:Tenants:acme:Instances:east:Auth:SecretSettings: app setting 'WMS_ACME_EAST_SECRET' is not set", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("damaged", "E-QA", true)]
    [InlineData("quarantine", "e-qa", true)]
    [InlineData("restock", "E-QA", false)]      // restock goes to the location the WMS names
    [InlineData("lost", "E-QA", false)]
    [InlineData("damaged", "NOWHERE", false)]   // not one of the instance's locations
    [InlineData("damaged", "E-A2", false)]      // DC1 also holds the sellable area E-A1
    public void Validate_Dispositions_NameANonSellableLocationOfTheInstance(string disposition, string location, bool valid)
    {
        var options = TestInstances.Options();
        options.Tenants["acme"].Instances["east"].Dispositions[disposition] = location;

        Assert.Equal(valid, Validator.Validate(null, options).Succeeded);
    }
}
