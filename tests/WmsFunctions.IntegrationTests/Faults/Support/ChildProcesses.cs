using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

using WmsFunctions.IntegrationTests.Support;

namespace WmsFunctions.IntegrationTests.Faults.Support;

/// <summary>
/// Signals for the fault scenarios: SIGKILL (no cleanup, as when a worker dies), SIGSTOP and SIGCONT (a process
/// frozen and thawed: its sockets stay open and connections queue, as with a stalled storage front end). Sent with
/// kill(1), which every Linux and macOS machine has.
/// </summary>
internal static class Signals
{
    public static void Kill(Process process) => Send(process, "KILL");

    /// <summary>SIGTERM, as the host stops a worker at shutdown: the process ends gracefully (its loggers flush).</summary>
    public static void Terminate(Process process) => Send(process, "TERM");

    public static void Stop(Process process) => Send(process, "STOP");

    public static void Continue(Process process) => Send(process, "CONT");

    private static void Send(Process process, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })
            ?? throw new InvalidOperationException("kill(1) did not start.");
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {process.Id} exited with {kill.ExitCode}.");
        }
    }
}

/// <summary>
/// The last lines a child process wrote (stdout and stderr), or the stand-in hosts logged, kept for the report when a
/// scenario fails.
/// </summary>
internal sealed class OutputTail
{
    private readonly ConcurrentQueue<string> _lines = new();

    public void Attach(Process process)
    {
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Text => string.Join('\n', _lines);

    public void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        while (_lines.Count > 200 && _lines.TryDequeue(out _))
        {
        }
    }
}

/// <summary>
/// An Azurite of the scenario's own (in memory, free ports, random account key): it can be frozen without
/// stalling the rest of the test run, which shares the run's Azurite.
/// </summary>
internal sealed class AzuriteProcess : IAsyncDisposable
{
    private static readonly Lock AppendLock = new();
    private readonly Process _process;

    private AzuriteProcess(Process process, string connectionString)
    {
        _process = process;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    private const string Account = "wmsfault";

    public OutputTail Output { get; } = new();

    public static async Task<AzuriteProcess> StartAsync()
    {
        var ports = LocalServers.FreePorts(3);
        var (blob, queue, table) = (ports[0], ports[1], ports[2]);
        var key = LocalServers.NewKey();
        var start = LocalServers.StartInfo(Account, key, blob, queue, table);
        var azurite = start.FileName;
        var gcTrace = Environment.GetEnvironmentVariable("FAULT_AZURITE_GC_TRACE"); // a file: Node's --trace-gc lines, timestamped
        if (gcTrace is { Length: > 0 })
        {
            // A V8 flag, so not allowed in NODE_OPTIONS: node runs Azurite's script itself.
            start.FileName = "node";
            start.ArgumentList.Insert(0, azurite);
            start.ArgumentList.Insert(0, "--trace-gc");
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        if (gcTrace is { Length: > 0 })
        {
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line)
                {
                    lock (AppendLock)
                    {
                        File.AppendAllText(gcTrace, $"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {line}\n");
                    }
                }
            };
        }

        var started = new AzuriteProcess(process, LocalServers.ConnectionString(Account, key, blob, queue, table));
        started.Output.Attach(process);
        await LocalServers.WaitForPortAsync(table, process, "Azurite", TimeSpan.FromSeconds(30));
        await LocalServers.WaitForPortAsync(queue, process, "Azurite", TimeSpan.FromSeconds(30));
        return started;
    }

    /// <summary>SIGSTOP: Azurite answers nothing (connections still open and queue) until <see cref="Resume"/>.</summary>
    public void Pause() => Signals.Stop(_process);

    public void Resume() => Signals.Continue(_process);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signals.Continue(_process); // a frozen process cannot act on the kill until thawed
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}

/// <summary>The built handler the fault scenarios run (the repository's other files: <see cref="RepoPaths"/>).</summary>
internal static class FaultPaths
{
    /// <summary>
    /// The handler as the build left it (functions/bin/{configuration}/net10.0), in the configuration of the running
    /// assembly: the test and bench projects reference the handler project, so building them builds it.
    /// </summary>
    public static string HandlerDll()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name ?? "Debug";
        var path = RepoPaths.File("functions", "bin", configuration, "net10.0", "WmsFunctions.Handler.dll");
        return System.IO.File.Exists(path)
            ? path
            : throw new InvalidOperationException($"The handler is not built at {path}: build the test or bench project first.");
    }
}
