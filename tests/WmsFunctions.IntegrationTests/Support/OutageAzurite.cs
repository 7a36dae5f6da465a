using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

using WmsFunctions.IntegrationTests.Faults.Support;

namespace WmsFunctions.IntegrationTests.Support;

/// <summary>
/// An Azurite of one test's own that the test can take down: <see cref="Stall"/> freezes the process (SIGSTOP: it
/// accepts connections and answers nothing, as a hung storage front end), <see cref="Refuse"/> closes its table and
/// queue ports (connection refused, as storage unreachable), and <see cref="Restore"/> brings it back with every
/// table and message it had. The hub reaches it through a TCP gate per port, which is what closes and reopens.
/// </summary>
public sealed class OutageAzurite : IAsyncDisposable
{
    private readonly Process _azurite;
    private readonly TcpGate _tables;
    private readonly TcpGate _queues;
    private bool _stalled;

    private OutageAzurite(Process azurite, TcpGate tables, TcpGate queues, string connectionString)
    {
        _azurite = azurite;
        _tables = tables;
        _queues = queues;
        ConnectionString = connectionString;
    }

    /// <summary>The connection string through the gates.</summary>
    public string ConnectionString { get; }

    public static async Task<OutageAzurite> StartAsync()
    {
        var ports = LocalServers.FreePorts(5);
        var (blob, queue, table, queueGate, tableGate) = (ports[0], ports[1], ports[2], ports[3], ports[4]);
        var key = LocalServers.NewKey();
        var azurite = await AzuriteFixture.StartProcessAsync(blob, queue, table, key);
        var tables = TcpGate.Open(tableGate, table);
        var queues = TcpGate.Open(queueGate, queue);
        return new OutageAzurite(azurite, tables, queues, AzuriteFixture.ConnectionStringFor(key, blob, queueGate, tableGate));
    }

    /// <summary>Freezes the emulator: connections are accepted, nothing is answered.</summary>
    public void Stall()
    {
        Signals.Stop(_azurite);
        _stalled = true;
    }

    /// <summary>Closes the table and queue ports and drops every open connection: every call is refused.</summary>
    public void Refuse()
    {
        _tables.Close();
        _queues.Close();
    }

    /// <summary>Storage is back: the process runs again and its ports accept connections.</summary>
    public void Restore()
    {
        if (_stalled)
        {
            Signals.Continue(_azurite);
            _stalled = false;
        }

        _tables.Reopen();
        _queues.Reopen();
    }

    public async ValueTask DisposeAsync()
    {
        Restore();
        _tables.Close();
        _queues.Close();
        if (!_azurite.HasExited)
        {
            _azurite.Kill(entireProcessTree: true);
            await _azurite.WaitForExitAsync();
        }

        _azurite.Dispose();
    }

    /// <summary>A TCP relay from a port of its own to the emulator's, that can stop listening and come back.</summary>
    private sealed class TcpGate
    {
        private readonly int _port;
        private readonly int _target;
        private readonly Lock _lock = new();
        private readonly List<TcpClient> _open = [];
        private TcpListener? _listener;

        private TcpGate(int port, int target) => (_port, _target) = (port, target);

        public static TcpGate Open(int port, int target)
        {
            var gate = new TcpGate(port, target);
            gate.Reopen();
            return gate;
        }

        public void Reopen()
        {
            lock (_lock)
            {
                if (_listener is not null)
                {
                    return;
                }

                var listener = new TcpListener(IPAddress.Loopback, _port);
                listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                listener.Start();
                _listener = listener;
                _ = AcceptAsync(listener);
            }
        }

        public void Close()
        {
            lock (_lock)
            {
                _listener?.Stop();
                _listener = null;
                _open.ForEach(c => c.Dispose());
                _open.Clear();
            }
        }

        private async Task AcceptAsync(TcpListener listener)
        {
            while (true)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync();
                }
                catch (Exception closed) when (closed is SocketException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                _ = RelayAsync(client);
            }
        }

        private async Task RelayAsync(TcpClient client)
        {
            var upstream = new TcpClient();
            lock (_lock)
            {
                _open.Add(client);
                _open.Add(upstream);
            }

            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _target);
                var down = client.GetStream();
                var up = upstream.GetStream();
                await Task.WhenAny(down.CopyToAsync(up), up.CopyToAsync(down));
            }
            catch (Exception dropped) when (dropped is IOException or SocketException or ObjectDisposedException)
            {
                // closed by Close() or by either side
            }
            finally
            {
                client.Dispose();
                upstream.Dispose();
                lock (_lock)
                {
                    _open.Remove(client);
                    _open.Remove(upstream);
                }
            }
        }
    }
}
