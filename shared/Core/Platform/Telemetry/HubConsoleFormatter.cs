using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace WmsFunctions.Platform.Telemetry;

public sealed class HubConsoleFormatterOptions : ConsoleFormatterOptions
{
    /// <summary>Append an exception's stack trace to its line (on when the default log level is Debug or Trace).</summary>
    public bool IncludeStackTraces { get; set; }
}

/// <summary>
/// One line per entry, as the Functions host reads a custom handler's console: every line of stdout is filed as
/// Information, a line of stderr as Warning when it contains "warn" and as Error when it contains "fail" or "error"
/// (WorkerProcess.ParseErrorMessageAndLog in the host). So warnings and errors go to stderr (the console logger's
/// LogToStandardErrorThreshold) and start with "warn:"/"fail:" ("crit:" is written "fail: crit:" so it is filed as an
/// error too). The line is "time level: category[event] message [Key=value ...]": the structured fields of the
/// logging scopes follow the message (tenant, instance, flow, event id, correlation id, trace id). An exception
/// adds its type and the first line of its message (and of its inner ones), not its stack, which stays out unless
/// <see cref="HubConsoleFormatterOptions.IncludeStackTraces"/> (the exporters carry it as a structured field).
/// </summary>
public sealed class HubConsoleFormatter(IOptionsMonitor<HubConsoleFormatterOptions> options) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "hub";

    private const int MaxExceptionMessageChars = 300;

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, null);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }

        var settings = options.CurrentValue;
        var line = new StringBuilder(128 + message.Length);
        if (settings.TimestampFormat is { } timestampFormat)
        {
            var now = settings.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now;
            line.Append(now.ToString(timestampFormat, CultureInfo.InvariantCulture));
        }

        line.Append(Level(logEntry.LogLevel)).Append(": ").Append(logEntry.Category)
            .Append('[').Append(logEntry.EventId.Id.ToString(CultureInfo.InvariantCulture)).Append("] ");
        AppendOneLine(line, message);
        if (settings.IncludeScopes && scopeProvider is not null)
        {
            AppendScopes(line, scopeProvider);
        }

        if (logEntry.Exception is { } exception)
        {
            AppendException(line, exception, settings.IncludeStackTraces);
        }

        textWriter.WriteLine(line.ToString());
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "fail: crit",
        _ => "none",
    };

    /// <summary>The scopes' named values as " [Key=value ...]" (a scope without names: its text).</summary>
    private static void AppendScopes(StringBuilder line, IExternalScopeProvider scopeProvider)
    {
        var fields = (Text: new StringBuilder(), Keys: new HashSet<string>(StringComparer.Ordinal));
        scopeProvider.ForEachScope(
            static (scope, state) =>
            {
                var (builder, keys) = state;
                if (scope is IEnumerable<KeyValuePair<string, object?>> named)
                {
                    foreach (var (key, value) in named)
                    {
                        // Outer scopes first; an inner scope naming the same field again (the pipeline inside a webhook) adds nothing.
                        if (value is not null && key != "{OriginalFormat}" && keys.Add(key))
                        {
                            builder.Append(builder.Length == 0 ? "" : " ").Append(key).Append('=');
                            AppendOneLine(builder, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
                        }
                    }
                }
                else if (scope?.ToString() is { Length: > 0 } text)
                {
                    builder.Append(builder.Length == 0 ? "" : " ");
                    AppendOneLine(builder, text);
                }
            },
            fields);
        if (fields.Text.Length > 0)
        {
            line.Append(" [").Append(fields.Text).Append(']');
        }
    }

    private static void AppendException(StringBuilder line, Exception exception, bool stackTraces)
    {
        line.Append(" (");
        var depth = 0;
        for (var current = exception; current is not null && depth < 4; current = current.InnerException, depth++)
        {
            if (depth > 0)
            {
                line.Append(" ---> ");
            }

            line.Append(current.GetType().FullName).Append(": ");
            var firstLine = current.Message.AsSpan().Trim();
            var end = firstLine.IndexOfAny('\r', '\n');
            firstLine = end < 0 ? firstLine : firstLine[..end].TrimEnd();
            AppendOneLine(line, firstLine.Length <= MaxExceptionMessageChars ? firstLine.ToString() : string.Concat(firstLine[..(MaxExceptionMessageChars - 3)], "..."));
        }

        line.Append(')');
        if (stackTraces && exception.StackTrace is { } stack)
        {
            line.Append(" at ");
            AppendOneLine(line, stack.Trim());
        }
    }

    /// <summary>Appends text with its line breaks as spaces: one entry, one line, one record in the host's log.</summary>
    private static void AppendOneLine(StringBuilder line, string text)
    {
        var start = line.Length;
        line.Append(text);
        for (var i = start; i < line.Length; i++)
        {
            if (line[i] is '\r' or '\n')
            {
                line[i] = ' ';
            }
        }
    }
}
