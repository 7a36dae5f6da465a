using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Handler.CustomHandler;

namespace WmsFunctions.Handler.PickSlips;

/// <summary>Timer-triggered: finds slips whose deadline passed and queues one escalation check each.</summary>
public sealed class PickSlipDeadlineScanFunction(PickSlipDeadlineWatch watch) : IInvokedFunction
{
    public const string Input = "timer";

    public async Task<InvocationResult> HandleAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var queued = await watch.ScanAsync(cancellationToken).ConfigureAwait(false);
        return new InvocationResult().Log($"{queued} overdue pick slips queued for escalation");
    }
}

/// <summary>Queue-triggered: escalates one overdue slip once, telling the OMS and raising an alert.</summary>
public sealed class PickSlipEscalationFunction(PickSlipDeadlineWatch watch) : IInvokedFunction
{
    public const string Input = "message";
    public const string ToOms = "toOms";
    public const string Alerts = "alerts";

    public async Task<InvocationResult> HandleAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var check = PickSlipDeadlineWatch.ReadCheck(invocation.ReadString(Input))
            ?? throw new InvalidInvocationException("The escalation message does not name a pick slip and deadline.");
        var escalation = await watch.EscalateAsync(check, cancellationToken).ConfigureAwait(false);
        return new InvocationResult()
            .ServiceBus(ToOms, escalation.StatusEvent is null ? [] : [escalation.StatusEvent])
            .ServiceBus(Alerts, escalation.Alert is null ? [] : [escalation.Alert]);
    }
}
