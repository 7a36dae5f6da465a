using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

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

/// <summary>Free ports and waiting for a listener, for the child processes of the fault scenarios.</summary>
internal static class Ports
{
    /// <summary>Distinct free ports: all held open together, as one at a time can hand the same port out twice.</summary>
    public static int[] Free(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    public static async Task WaitAsync(int port, Process owner, string what, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            if (owner.HasExited)
            {
                throw new InvalidOperationException($"{what} exited (code {owner.ExitCode}) before listening on port {port}.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
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

    public OutputTail Output { get; } = new();

    public static async Task<AzuriteProcess> StartAsync()
    {
        var azurite = FaultPaths.File("node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException("Azurite is not installed: run `npm ci` in the repository root.");
        }

        var ports = Ports.Free(3);
        var (blob, queue, table) = (ports[0], ports[1], ports[2]);
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var start = new ProcessStartInfo(azurite)
        {
            ArgumentList =
            {
                "--inMemoryPersistence", "--disableTelemetry", "--silent", "--skipApiVersionCheck", "--loose",
                "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
                "--blobPort", $"{blob}", "--queuePort", $"{queue}", "--tablePort", $"{table}",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["AZURITE_ACCOUNTS"] = $"wmsfault:{key}";
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

        var started = new AzuriteProcess(process, $"DefaultEndpointsProtocol=http;AccountName=wmsfault;AccountKey={key};" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/wmsfault;QueueEndpoint=http://127.0.0.1:{queue}/wmsfault;TableEndpoint=http://127.0.0.1:{table}/wmsfault;");
        started.Output.Attach(process);
        await Ports.WaitAsync(table, process, "Azurite", TimeSpan.FromSeconds(30));
        await Ports.WaitAsync(queue, process, "Azurite", TimeSpan.FromSeconds(30));
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

/// <summary>The repository's files, found from the running assembly (tests and the bench both live under it).</summary>
internal static class FaultPaths
{
    public static string Root { get; } = FindRoot();

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>
    /// The handler as the build left it (functions/bin/{configuration}/net10.0), in the configuration of the running
    /// assembly: the test and bench projects reference the handler project, so building them builds it.
    /// </summary>
    public static string HandlerDll()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name ?? "Debug";
        var path = File("functions", "bin", configuration, "net10.0", "WmsFunctions.Handler.dll");
        return System.IO.File.Exists(path)
            ? path
            : throw new InvalidOperationException($"The handler is not built at {path}: build the test or bench project first.");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "WmsFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("WmsFunctions.sln not found above " + AppContext.BaseDirectory);
    }
}
