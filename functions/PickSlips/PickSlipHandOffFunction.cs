using System.Security.Cryptography;
using System.Text;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Pipeline.Retries;

namespace WmsFunctions.Handler.PickSlips;

/// <summary>
/// Queue-triggered: a pick slip handed off by pick slip out starts (or voids) its orchestration; the OMS hears the
/// status. A hand-off that can never succeed (malformed, or naming a tenant or instance that is not configured) is a
/// failed sync at once, answered 200: retrying it would only fill the poison queue.
/// </summary>
public sealed class PickSlipHandOffFunction(PickSlipHandOffConsumer consumer, PickSlipHandOffMessages queue, PoisonedMessages failures) : IInvokedFunction
{
    public const string Input = "message";
    public const string ToOms = "toOms";
    public const string QueueSetting = "PICKSLIP_EVENTS_QUEUE";

    public async Task<InvocationResult> HandleAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var body = invocation.ReadString(Input);
        var message = queue.Read(body, out var handOff);
        if (handOff is null)
        {
            // The queue message's id is the same on every delivery: one failed sync, however often it comes.
            var id = invocation.MetadataString("Id") ?? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
            var (failed, _) = await failures.RefuseAsync(queue, message, body, id, (int?)invocation.MetadataInt64("DequeueCount"), cancellationToken).ConfigureAwait(false);
            return new InvocationResult().Log($"pick-slip hand-off refused ({failed.ReasonCode}): recorded as a failed sync");
        }

        return new InvocationResult().ServiceBus(ToOms, await consumer.HandleAsync(handOff, cancellationToken).ConfigureAwait(false));
    }
}
