using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Pipeline.Events;

namespace WmsFunctions.Handler.Outbox;

/// <summary>Queue-triggered: completes an accepted inbound event if needed and publishes its CloudEvent to the OMS.</summary>
public sealed class OutboxRelayFunction(OutboxRelay relay) : IInvokedFunction
{
    public const string Input = "message";
    public const string Output = "toOms";

    public async Task<InvocationResult> HandleAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var text = invocation.ReadString(Input);
        var reference = OutboxMessages.Deserialize(text)
            ?? throw new InvalidInvocationException("The outbox message does not name an inbox row.");

        // A message back from the poison queue's retry schedule (or a replay) has a new queue id: it is the row's message
        // all the same (at worst a stray's copy, which publishes the same CloudEvent id once more).
        var messageId = WmsFunctions.Pipeline.Retries.RetryEnvelope.CameBack(text) ? null : invocation.MetadataString("Id");
        var messages = await relay.RelayAsync(reference, messageId, cancellationToken).ConfigureAwait(false);
        return new InvocationResult().ServiceBus(Output, messages);
    }
}
