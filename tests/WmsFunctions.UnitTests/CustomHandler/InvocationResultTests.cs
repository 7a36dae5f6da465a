using System.Text.Json;
using WmsFunctions.Handler.CustomHandler;

namespace WmsFunctions.UnitTests.CustomHandler;

public class InvocationResultTests
{
    [Fact]
    public void ToJson_ServiceBusMessages_AreAnArrayOfStrings()
    {
        var json = new InvocationResult().ServiceBus("toOms", ["""{"id":"1"}""", """{"id":"2"}"""]).Log("done").ToJson();

        Assert.Equal("""{"Outputs":{"toOms":["{\u0022id\u0022:\u00221\u0022}","{\u0022id\u0022:\u00222\u0022}"]},"Logs":["done"],"ReturnValue":null}""", json);
        var toOms = JsonDocument.Parse(json).RootElement.GetProperty("Outputs").GetProperty("toOms");
        Assert.Equal(["""{"id":"1"}""", """{"id":"2"}"""], toOms.EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void ToJson_NoMessages_LeavesTheBindingOut() =>
        // An absent key sends nothing; an empty array would be handed to the binding.
        Assert.Equal("""{"Outputs":{},"Logs":[],"ReturnValue":null}""", new InvocationResult().ServiceBus("toOms", []).ToJson());
}
