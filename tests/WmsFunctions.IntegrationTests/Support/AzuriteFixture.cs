using System.Diagnostics;
using WmsFunctions.IntegrationTests.Support;

[assembly: AssemblyFixture(typeof(AzuriteFixture))]

namespace WmsFunctions.IntegrationTests.Support;

/// <summary>
/// One Azurite for the whole test run. ./test.sh starts it and passes its connection string in HubStorage;
/// a plain `dotnet test` starts one here from node_modules (run `npm ci` once), on free ports, under a random
/// account key.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private Process? _azurite;

    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("HubStorage") is { Length: > 0 } given)
        {
            ConnectionString = given;
            return;
        }

        var ports = LocalServers.FreePorts(3);
        var key = LocalServers.NewKey();
        _azurite = await StartProcessAsync(ports[0], ports[1], ports[2], key);
        ConnectionString = ConnectionStringFor(key, ports[0], ports[1], ports[2]);
    }

    /// <summary>Starts an Azurite (in memory, account wmstest) on the given ports and waits until it listens.</summary>
    internal static async Task<Process> StartProcessAsync(int blob, int queue, int table, string key)
    {
        var process = Process.Start(LocalServers.StartInfo("wmstest", key, blob, queue, table)) ?? throw new InvalidOperationException("Azurite did not start.");
        await LocalServers.WaitForPortAsync(table, process, "Azurite", TimeSpan.FromSeconds(30));
        await LocalServers.WaitForPortAsync(queue, process, "Azurite", TimeSpan.FromSeconds(30));
        return process;
    }

    internal static string ConnectionStringFor(string key, int blob, int queue, int table) =>
        LocalServers.ConnectionString("wmstest", key, blob, queue, table);

    public ValueTask DisposeAsync()
    {
        if (_azurite is { HasExited: false })
        {
            _azurite.Kill(entireProcessTree: true);
            _azurite.WaitForExit(5000);
        }

        _azurite?.Dispose();
        return ValueTask.CompletedTask;
    }
}
