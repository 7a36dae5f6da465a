using System.Diagnostics;

using WmsFunctions.IntegrationTests.Support;

namespace WmsFunctions.IntegrationTests.Faults.Support;

/// <summary>
/// The built handler (functions/, WmsFunctions.Handler) as its own OS process on a port of its own, configured by
/// environment variables as the Functions host configures it (app settings; "Hub:Tenants:..." as "Hub__Tenants__...").
/// It can be killed with SIGKILL and started again on the same port, as the host restarts a dead worker.
/// </summary>
internal sealed class HandlerProcess : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private Process? _process;

    private HandlerProcess(IReadOnlyDictionary<string, string?> settings, int port, string name)
    {
        _settings = settings;
        Port = port;
        Name = name;
    }

    public string Name { get; }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}");

    public OutputTail Output { get; } = new();

    /// <summary>How many times the process was started (1 + restarts).</summary>
    public int Starts { get; private set; }

    public static async Task<HandlerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, string name)
    {
        var handler = new HandlerProcess(settings, LocalServers.FreePorts(1)[0], name);
        await handler.StartAsync();
        return handler;
    }

    /// <summary>Starts the process (again) and waits until it listens.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { FaultPaths.HandlerDll() },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(FaultPaths.HandlerDll())!,
        };
        foreach (var (key, value) in _settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? "";
        }

        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["DOTNET_NOLOGO"] = "1";
        _process = Process.Start(start) ?? throw new InvalidOperationException($"{Name} did not start.");
        Starts++;
        Output.Attach(_process);
        await LocalServers.WaitForPortAsync(Port, _process, Name, TimeSpan.FromSeconds(60));
    }

    /// <summary>SIGKILL: the process ends at once, mid-request, without answering or cleaning up.</summary>
    public async Task KillAsync()
    {
        var process = _process ?? throw new InvalidOperationException($"{Name} is not running.");
        Signals.Kill(process);
        await process.WaitForExitAsync();
        process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
    }
}
