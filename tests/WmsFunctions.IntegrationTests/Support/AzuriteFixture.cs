using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
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

        var azurite = RepoPaths.File("node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException("Azurite is not installed: run `npm ci` in the repository root, or ./test.sh.");
        }

        var ports = FreePorts(3);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        _azurite = await StartProcessAsync(azurite, ports[0], ports[1], ports[2], key);
        ConnectionString = ConnectionStringFor(key, ports[0], ports[1], ports[2]);
    }

    /// <summary>Starts an Azurite (in memory, account wmstest) on the given ports and waits until it listens.</summary>
    internal static async Task<Process> StartProcessAsync(string azurite, int blob, int queue, int table, string key)
    {
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
        start.Environment["AZURITE_ACCOUNTS"] = $"wmstest:{key}";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        await WaitForPortAsync(table);
        await WaitForPortAsync(queue);
        return process;
    }

    internal static string ConnectionStringFor(string key, int blob, int queue, int table) =>
        $"DefaultEndpointsProtocol=http;AccountName=wmstest;AccountKey={key};" +
        $"BlobEndpoint=http://127.0.0.1:{blob}/wmstest;QueueEndpoint=http://127.0.0.1:{queue}/wmstest;TableEndpoint=http://127.0.0.1:{table}/wmstest;";

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

    /// <summary>Distinct free ports: all held open together, as one at a time can hand the same port out twice.</summary>
    internal static int[] FreePorts(int count)
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

    internal static async Task WaitForPortAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
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
