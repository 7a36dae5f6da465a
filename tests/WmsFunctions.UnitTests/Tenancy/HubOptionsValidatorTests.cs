using WmsFunctions.Tenancy;

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
}
