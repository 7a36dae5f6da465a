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
        var reference = OutboxMessages.Deserialize(invocation.ReadString(Input))
            ?? throw new InvalidInvocationException("The outbox message does not name an inbox row.");
        var messages = await relay.RelayAsync(reference, invocation.MetadataString("Id"), cancellationToken).ConfigureAwait(false);
        return new InvocationResult().ServiceBus(Output, messages);
    }
}
