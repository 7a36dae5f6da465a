using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace WmsFunctions.IntegrationTests.Support;

/// <summary>
/// Servers the tests start as child processes on loopback: an in-memory Azurite from node_modules under a random
/// account key (the run's, a test's own that it takes down, each fault scenario's), free ports, and waiting for a
/// listener. The bench compiles this file too (for the fault scenarios), so it stays free of xUnit.
/// </summary>
internal static class LocalServers
{
    public static string Executable()
    {
        var azurite = RepoPaths.File("node_modules", ".bin", "azurite");
        return File.Exists(azurite)
            ? azurite
            : throw new InvalidOperationException("Azurite is not installed: run `npm ci` in the repository root, or ./test.sh.");
    }

    /// <summary>Azurite in memory on the given loopback ports, with one account of the given name and key.</summary>
    public static ProcessStartInfo StartInfo(string account, string key, int blob, int queue, int table)
    {
        var start = new ProcessStartInfo(Executable())
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
        start.Environment["AZURITE_ACCOUNTS"] = $"{account}:{key}";
        return start;
    }

    public static string ConnectionString(string account, string key, int blob, int queue, int table) =>
        $"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={key};" +
        $"BlobEndpoint=http://127.0.0.1:{blob}/{account};QueueEndpoint=http://127.0.0.1:{queue}/{account};TableEndpoint=http://127.0.0.1:{table}/{account};";

    public static string NewKey() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>Distinct free ports: all held open together, as one at a time can hand the same port out twice.</summary>
    public static int[] FreePorts(int count)
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

    /// <summary>Waits until something listens on the port; fails early if <paramref name="owner"/> exits first.</summary>
    public static async Task WaitForPortAsync(int port, Process owner, string what, TimeSpan limit)
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
