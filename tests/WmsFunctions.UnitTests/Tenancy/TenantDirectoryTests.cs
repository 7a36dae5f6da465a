using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.UnitTests.Tenancy;

public class TenantDirectoryTests
{
    [Fact]
    public void ResolveLocation_MappedCode_GivesWarehouseAndInstanceQualifiedArea()
    {
        var match = TestInstances.East().ResolveLocation("e-a2");

        Assert.Equal(new LocationMatch(LocationMatchKind.Mapped, "DC1", "east:E-A2"), match);
    }

    [Fact]
    public void ResolveLocation_CodeOfAnotherInstanceOfTheTenant_IsNotAllowed() =>
        Assert.Equal(LocationMatchKind.NotAllowed, TestInstances.East().ResolveLocation("S12").Kind);

    [Fact]
    public void ResolveLocation_OmsWarehouseOfAnotherInstance_IsNotAllowed() =>
        Assert.Equal(LocationMatchKind.NotAllowed, TestInstances.East().ResolveLocation("STORE-12").Kind);

    [Fact]
    public void ResolveLocation_CodeOfAnotherTenant_IsUnknown_NotRevealed() =>
        Assert.Equal(LocationMatchKind.Unknown, TestInstances.East().ResolveLocation("G-1").Kind);

    [Fact]
    public void ResolveSku_Alias_GivesOmsSku_OtherwiseTheSame()
    {
        var east = TestInstances.East();

        Assert.Equal("100234", east.ResolveSku("WMS-RED"));
        Assert.Equal("100999", east.ResolveSku("100999"));
    }

    [Fact]
    public void Codes_TheHubConfigures_MatchIgnoringCase_TheOmsSkuExactly()
    {
        var east = TestInstances.East();

        Assert.Equal(new LocationMatch(LocationMatchKind.Mapped, "DC1", "east:E-A1"), east.ResolveLocation("e-a1")); // booked to the area as configured
        Assert.Equal("100234", east.ResolveSku("wms-red")); // an alias, as a location code, whatever its case
        Assert.Equal("Mug-1", east.ResolveSku("Mug-1")); // no alias: the OMS SKU exactly as sent, for the item catalog to match
    }

    [Fact]
    public void TryGet_InstanceUnderAnotherTenant_IsNotFound()
    {
        var directory = TestInstances.Directory();

        Assert.True(directory.TryGet("globex", "main", out _));
        Assert.False(directory.TryGet("acme", "main", out _));
        Assert.False(directory.TryGet("globex", "east", out _));
    }
}
