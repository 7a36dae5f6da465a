using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.UnitTests.Tenancy;

public class HubOptionsValidatorTests
{
    private static readonly HubOptionsValidator Validator = new();

    [Fact]
    public void Validate_GoodOptions_Succeeds() =>
        Assert.True(Validator.Validate(null, TestInstances.Options()).Succeeded);

    [Fact]
    public void Validate_InstanceWithoutLocations_FailsNamingTheSetting()
    {
        var options = TestInstances.Options();
        options.Tenants["acme"].Instances["bad"] = new WmsInstanceOptions();

        var result = Validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("Hub:Tenants:acme:Instances:bad:Locations", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_TwoSpellingsOfOneLocationOrAlias_FailNamingThem()
    {
        var options = TestInstances.Options();
        options.Tenants["acme"].Instances["east"].Locations["e-a1"] = "DC1";
        options.Tenants["acme"].Instances["east"].SkuAliases["wms-red"] = "100235";

        var result = Validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("Locations has 'E-A1' and 'e-a1'", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("SkuAliases has 'WMS-RED' and 'wms-red'", StringComparison.Ordinal));
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
