using System.Text.Json;
using System.Text.Json.Serialization;

namespace WmsFunctions.Handler.CustomHandler;

/// <summary>
/// The answer to an invocation: <c>{"Outputs": {...}, "Logs": [...], "ReturnValue": null}</c>. A Service Bus
/// output is always an array of strings, one per message: the host decodes a lone base64-looking string into
/// bytes, re-indents a lone JSON object and splits a lone JSON array. No key = nothing sent.
/// </summary>
public sealed class InvocationResult
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    private readonly Dictionary<string, object> _outputs = new(StringComparer.Ordinal);
    private readonly List<string> _logs = [];

    public IReadOnlyDictionary<string, object> Outputs => _outputs;

    public IReadOnlyList<string> Logs => _logs;

    public InvocationResult ServiceBus(string binding, IReadOnlyCollection<string> messages)
    {
        if (messages.Count > 0)
        {
            _outputs[binding] = messages.ToArray();
        }

        return this;
    }

    /// <summary>A line the host writes to the function's log (only kept when the invocation succeeds).</summary>
    public InvocationResult Log(string line)
    {
        _logs.Add(line);
        return this;
    }

    public string ToJson() => JsonSerializer.Serialize(
        new Envelope(_outputs, _logs, null), Json);

    private sealed record Envelope(
        [property: JsonPropertyName("Outputs")] Dictionary<string, object> Outputs,
        [property: JsonPropertyName("Logs")] List<string> Logs,
        [property: JsonPropertyName("ReturnValue")] object? ReturnValue);
}

/// <summary>A non-HTTP function: one handler per flow, resolved from DI for each invocation.</summary>
public interface IInvokedFunction
{
    Task<InvocationResult> HandleAsync(Invocation invocation, CancellationToken cancellationToken);
}
