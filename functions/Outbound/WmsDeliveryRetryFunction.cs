using System.Security.Cryptography;
using System.Text;
using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Pipeline.Retries;

namespace WmsFunctions.Handler.Outbound;

/// <summary>
/// Queue-triggered (WMS_DELIVERY_RETRY_QUEUE): an OMS -> WMS delivery deferred because its WMS instance was
/// unavailable goes through its flow's dispatcher again, to that instance only. Still unavailable: the invocation
/// fails, and the host's quick retries, then the poison watcher's retry schedule, decide the next try
/// (docs/failures.md). A message that can never succeed (malformed, unknown flow, tenant or instance) is a failed
/// sync at once, answered 200.
/// </summary>
public sealed class WmsDeliveryRetryFunction(WmsDeliveryRetries queue, IEnumerable<IOutboundFlow> flows, PoisonedMessages failures) : IInvokedFunction
{
    public const string Input = "message";

    private readonly Dictionary<string, IOutboundFlow> _flows = flows.ToDictionary(f => f.Definition.Name, StringComparer.Ordinal);

    public async Task<InvocationResult> HandleAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var body = invocation.ReadString(Input);
        var dequeueCount = (int?)invocation.MetadataInt64("DequeueCount");
        var message = queue.Read(body, out var retry);
        if (retry is null)
        {
            // The queue message's id is the same on every delivery: one failed sync, however often it comes.
            var id = invocation.MetadataString("Id") ?? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
            var (failed, _) = await failures.RefuseAsync(queue, message, body, id, dequeueCount, cancellationToken).ConfigureAwait(false);
            return new InvocationResult().Log($"deferred WMS delivery refused ({failed.ReasonCode}): recorded as a failed sync");
        }

        var flow = _flows[retry.Flow];
        var summary = await flow.RunAsync(
            new OutboundDelivery(retry.Body, retry.MessageId, Math.Max(dequeueCount ?? 1, 1), retry.CorrelationId, OnlyInstance: retry.Instance, FromRetryQueue: true),
            cancellationToken).ConfigureAwait(false);
        var result = new InvocationResult().Log($"{flow.Definition.Function} retry for {retry.Instance}: {summary}");
        foreach (var line in summary.InstanceLines)
        {
            result.Log($"{flow.Definition.Function} retry: {line}");
        }

        return result;
    }
}
