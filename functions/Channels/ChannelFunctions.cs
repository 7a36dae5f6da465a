using System.Globalization;
using System.Text.Json;
using WmsFunctions.Flows.Channels;
using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Pipeline.Events;

namespace WmsFunctions.Handler.Channels;

/// <summary>
/// Timer-triggered: pulls the orders of every channel updated since its watermark. Accepted orders reach the OMS
/// through the outbox (the OutboxRelay publishes them), so this function has no output of its own.
/// </summary>
public sealed class ChannelOrderPullFunction(ChannelOrderIntake intake) : IInvokedFunction
{
    public const string Input = "timer";
    public const string ScheduleSetting = "CHANNELS_ORDER_PULL_SCHEDULE";

    public async Task<InvocationResult> HandleAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var result = new InvocationResult();
        foreach (var pull in await intake.PullAllAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Log(string.Create(CultureInfo.InvariantCulture,
                $"{pull.Tenant}/{pull.Channel}: {pull.Pages} pages, {pull.Orders} orders ({pull.New} new), watermark {pull.Watermark:O}{(pull.Stopped is null ? "" : "; stopped: " + pull.Stopped)}"));
        }

        return result;
    }
}

/// <summary>Queue-triggered: a SKU's stock or reservations changed (or its window ended); publishes its availability, throttled.</summary>
public sealed class ChannelStockFunction(ChannelStockPublisher publisher) : IInvokedFunction
{
    public const string Input = "message";
    public const string Output = "channels";
    public const string TopicSetting = "CHANNELS_TOPIC";

    public async Task<InvocationResult> HandleAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var signal = StockSignal.Parse(invocation.ReadString(Input))
            ?? throw new InvalidInvocationException("The stock signal does not name a tenant and SKU.");
        return new InvocationResult().ServiceBus(Output, await publisher.HandleAsync(signal, cancellationToken).ConfigureAwait(false));
    }
}

/// <summary>
/// Service Bus-triggered on the channels' own subscription of the OMS events topic: every event the hub publishes
/// to the OMS, read for what it means to the marketplaces (stock pushes, shipments, availability signals).
/// </summary>
public sealed class ChannelFeedFunction(ChannelFeedConsumer feed) : IInvokedFunction
{
    public const string Input = "message";
    public const string SubscriptionSetting = "CHANNELS_FEED_SUBSCRIPTION";

    public async Task<InvocationResult> HandleAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        OmsEvent ev;
        try
        {
            ev = OmsEvent.Parse(invocation.ReadString(Input));
        }
        catch (JsonException)
        {
            return new InvocationResult().Log("Not a CloudEvent of the hub: nothing for the channels.");
        }

        var result = await feed.HandleAsync(ev, cancellationToken).ConfigureAwait(false);
        return new InvocationResult().Log($"{ev.Type} {ev.Id}: {result.Summary}");
    }
}
