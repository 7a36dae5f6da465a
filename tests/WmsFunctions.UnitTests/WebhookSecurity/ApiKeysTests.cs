using WmsFunctions.Pipeline.Webhooks;

namespace WmsFunctions.UnitTests.WebhookSecurity;

public class ApiKeysTests
{
    [Fact]
    public void Verify_AnyOfTheRotatedKeys_IsAccepted()
    {
        byte[][] accepted = [Convert.FromHexString(ApiKeys.Hash("old")), Convert.FromHexString(ApiKeys.Hash("new"))];

        Assert.True(ApiKeys.Verify("old", accepted));
        Assert.True(ApiKeys.Verify("new", accepted));
        Assert.False(ApiKeys.Verify("older", accepted));
        Assert.False(ApiKeys.Verify("", accepted));
        Assert.False(ApiKeys.Verify(null, accepted));
    }

    [Fact]
    public void Hash_IsLowerHexSha256_AndNewKeysDiffer()
    {
        Assert.Equal("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", ApiKeys.Hash("foo"));
        Assert.NotEqual(ApiKeys.NewKey(), ApiKeys.NewKey());
        Assert.True(ApiKeys.NewKey().Length >= 43);
    }
}
