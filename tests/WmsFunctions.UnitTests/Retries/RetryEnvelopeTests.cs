using System.Text.Json;
using WmsFunctions.Flows.Channels;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Flows.Reconciliation;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Pipeline.Retries;

namespace WmsFunctions.UnitTests.Retries;

/// <summary>The retry generation rides in the message; every queue's own reader must still read it as before.</summary>
public class RetryEnvelopeTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void WithGeneration_ThenGenerationOf_GivesItBack_AndWithoutGenerationRestoresTheMessage()
    {
        var original = OutboxMessages.Serialize(new InboxRef("acme", "east", "inventory", "e-1"));

        var retried = RetryEnvelope.WithGeneration(RetryEnvelope.WithGeneration(original, 1), 2);

        Assert.Equal(2, RetryEnvelope.GenerationOf(retried));
        Assert.Equal(0, RetryEnvelope.GenerationOf(original));
        Assert.Equal(original, RetryEnvelope.WithoutGeneration(retried));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"retryGeneration":"3"}""")]
    [InlineData("""{"retryGeneration":-2}""")]
    public void GenerationOf_AnythingElse_IsZero(string body)
    {
        Assert.Equal(0, RetryEnvelope.GenerationOf(body));
    }

    [Fact]
    public void OutboxMessage_WithAGeneration_ReadsAsBefore()
    {
        var reference = new InboxRef("acme", "east", "inventory", "e-1");

        Assert.Equal(reference, OutboxMessages.Deserialize(RetryEnvelope.WithGeneration(OutboxMessages.Serialize(reference), 4)));
    }

    [Fact]
    public void PickSlipHandOff_WithAGeneration_ReadsAsBefore()
    {
        var handOff = new PickSlipHandedOff(
            "h-1", "acme", "east", "PS-1", "O-1", "generated", "sent", null, "DC1", null, null, null,
            [new PickSlipHandOffLine(1, "SKU-1", 2, "EA", false, 2)], "m-1", 1, "c-1", DateTimeOffset.UnixEpoch);

        var read = PickSlipHandedOff.Parse(RetryEnvelope.WithGeneration(JsonSerializer.Serialize(handOff, PickSlipHandedOff.Json), 4))!;

        Assert.Equal((handOff.HandOffId, handOff.Kind, handOff.Tenant, handOff.Instance), (read.HandOffId, read.Kind, read.Tenant, read.Instance));
        Assert.Equal(handOff.Lines, read.Lines);
    }

    [Fact]
    public void EscalationCheck_WithAGeneration_ReadsAsBefore()
    {
        var check = new EscalationCheck("acme", "PS-1", DeadlineKind.Acknowledge, DateTimeOffset.UnixEpoch);
        var text = JsonSerializer.Serialize(check, Web);

        Assert.Equal(check, PickSlipDeadlineWatch.ReadCheck(RetryEnvelope.WithGeneration(text, 7)));
    }

    [Fact]
    public void ReconciliationRequest_WithAGeneration_ReadsAsBefore()
    {
        var request = new ReconciliationRequest("acme", "east", ReconciliationStore.NewRunId(DateTimeOffset.UnixEpoch));

        Assert.Equal(request, ReconciliationRequest.Parse(RetryEnvelope.WithGeneration(request.ToJson(), 1)));
    }

    [Fact]
    public void DeferredWmsDelivery_WithAGeneration_ReadsAsBefore()
    {
        var retry = new WmsDeliveryRetry("pick-slips", "acme", "east", "{\"id\":\"ps-1\"}", "ps-1", "c-1");

        Assert.Equal(retry, WmsDeliveryRetry.Parse(RetryEnvelope.WithGeneration(retry.ToJson(), 3)));
    }

    [Fact]
    public void StockSignal_WithAGeneration_ReadsAsBefore()
    {
        var signal = new StockSignal("acme", "SKU-1", Flush: true);

        Assert.Equal(signal, StockSignal.Parse(RetryEnvelope.WithGeneration(JsonSerializer.Serialize(signal, ChannelJson.Options), 2)));
    }
}
