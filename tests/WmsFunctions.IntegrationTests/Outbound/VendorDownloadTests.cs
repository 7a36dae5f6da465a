using WmsFunctions.IntegrationTests.Support;

namespace WmsFunctions.IntegrationTests.Outbound;

public sealed class VendorDownloadTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Function = "VendorDownload";
    private OutboundHub _hub = null!;

    public async ValueTask InitializeAsync() => _hub = await OutboundHub.StartAsync(azurite);

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    internal static object Vendor(long version) => new
    {
        vendorId = "V-77",
        version,
        name = "Acme Textiles",
        active = true,
        address = new { line1 = "9 Mill Rd", city = "Leeds", postalCode = "LS1 4AP", country = "GB" },
        contacts = new[] { new { name = "Sam Lee", role = "sales", email = "sam@acme-textiles.test" } },
    };

    [Fact]
    public async Task VendorChanged_ReachesEveryInstanceReceivingVendors_InItsDialect()
    {
        var invocation = await _hub.SendAsync(Function, OutboundHub.CloudEvent("vendor.changed", "v-1", Vendor(4)));

        Assert.Equal(200, invocation.Status);
        Assert.Equal(
            """{"messageId":"v-1","action":"upsert","version":4,"vendor":{"vendorId":"V-77","name":"Acme Textiles","active":true,"address":{"line1":"9 Mill Rd","city":"Leeds","postalCode":"LS1 4AP","country":"GB"},"contacts":[{"name":"Sam Lee","role":"sales","email":"sam@acme-textiles.test"}]}}""",
            Assert.Single(_hub.East.To("/vendors")).Text);
        Assert.Equal(
            """<?xml version="1.0" encoding="utf-8"?><Message type="CWVendorOut" messageId="v-1" action="upsert" version="4" target="store-12"><Vendor vendorId="V-77" name="Acme Textiles" active="Y"><Address line1="9 Mill Rd" city="Leeds" postalCode="LS1 4AP" country="GB" /><Contacts><Contact name="Sam Lee" role="sales" email="sam@acme-textiles.test" /></Contacts></Vendor></Message>""",
            Assert.Single(_hub.Store.To("/messages")).Text);
        // Contacts are personal data: not in the log lines.
        Assert.DoesNotContain(_hub.Logs.Lines, l => l.Contains("sam@acme-textiles.test", StringComparison.Ordinal) || l.Contains("Sam Lee", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VendorsSwitchedOff_ForAnInstance_AreNotSentThere()
    {
        await using var hub = await OutboundHub.StartAsync(azurite, settings: values =>
        {
            for (var i = 0; i < 6; i++)
            {
                values.Remove($"Hub:Tenants:acme:Instances:store-12:Outbound:Flows:{i}");
            }

            values["Hub:Tenants:acme:Instances:store-12:Outbound:Flows:0"] = "items";
        });

        await hub.SendAsync(Function, OutboundHub.CloudEvent("vendor.changed", "v-2", Vendor(1)));

        Assert.Single(hub.East.Requests);
        Assert.Empty(hub.Store.Requests);
    }

    [Fact]
    public async Task VendorWithoutName_IsAFailedSync()
    {
        var invocation = await _hub.SendAsync(Function, OutboundHub.CloudEvent("vendor.created", "v-3", new { vendorId = "V-1", version = 1, active = true }));

        Assert.Equal(200, invocation.Status);
        Assert.Empty(_hub.East.Requests);
        var failed = Assert.Single(await _hub.FailedSyncsAsync(WmsFunctions.Pipeline.FailedSyncs.FailedSyncStore.Unrouted, "vendors"));
        Assert.Equal(("invalid-message", "name: Required: 1 to 256 characters of text."), (failed.ReasonCode, failed.Detail));
    }
}
