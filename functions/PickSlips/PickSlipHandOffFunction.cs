using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Handler.CustomHandler;

namespace WmsFunctions.Handler.PickSlips;

/// <summary>Queue-triggered: a pick slip handed off by pick slip out starts (or voids) its orchestration; the OMS hears the status.</summary>
public sealed class PickSlipHandOffFunction(PickSlipHandOffConsumer consumer) : IInvokedFunction
{
    public const string Input = "message";
    public const string ToOms = "toOms";
    public const string QueueSetting = "PICKSLIP_EVENTS_QUEUE";

    public async Task<InvocationResult> HandleAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        PickSlipHandedOff? handOff;
        try
        {
            handOff = PickSlipHandedOff.Parse(invocation.ReadString(Input));
        }
        catch (System.Text.Json.JsonException error)
        {
            throw new InvalidInvocationException($"The pick-slip hand-off is not readable: {error.Message}");
        }

        if (handOff is null)
        {
            throw new InvalidInvocationException("The pick-slip hand-off is empty.");
        }

        return new InvocationResult().ServiceBus(ToOms, await consumer.HandleAsync(handOff, cancellationToken).ConfigureAwait(false));
    }
}
