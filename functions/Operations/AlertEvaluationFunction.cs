using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Operations;

namespace WmsFunctions.Handler.Operations;

/// <summary>Timer-triggered (ALERTS_SCHEDULE): measures every tenant against its alert thresholds and sends one alert per incident change.</summary>
public sealed class AlertEvaluationFunction(AlertEvaluator evaluator) : IInvokedFunction
{
    public const string Input = "timer";
    public const string Alerts = "alerts";

    public async Task<InvocationResult> HandleAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var alerts = await evaluator.EvaluateAsync(cancellationToken).ConfigureAwait(false);
        return new InvocationResult().ServiceBus(Alerts, alerts).Log($"{alerts.Count} alert(s) raised or cleared");
    }
}
