using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ProductKeys.Hosting;

/// <summary>
/// Kestrel's socket transport for TCP listeners, with <see cref="PatientSocketListener"/>'s accept
/// loop and one <see cref="DescriptorReserve"/> for all the server's listeners. Kestrel binds through
/// the last transport registered that can bind an address, so this one takes TCP addresses and
/// leaves Unix sockets and inherited handles to the built-in transport.
/// </summary>
internal sealed class PatientSocketTransport(IOptions<SocketTransportOptions> options, ILoggerFactory logs, TimeProvider time)
    : IConnectionListenerFactory, IConnectionListenerFactorySelector, IDisposable
{
    private readonly Lazy<DescriptorReserve> _reserve = new(() =>
    {
        var reserve = new DescriptorReserve(logs.CreateLogger(ConnectionLog.Category), time);
        reserve.Take();
        return reserve;
    });

    public bool CanBind(EndPoint endpoint) => endpoint is IPEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        Socket socket;
        try
        {
            socket = settings.CreateBoundListenSocket(endpoint);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            // What Kestrel's transport throws, and what 'pk' tells the operator as ADDRESS_IN_USE.
            throw new AddressInUseException(e.Message, e);
        }

        socket.Listen(settings.Backlog);
        var connections = new SocketConnectionContextFactory(
            new SocketConnectionFactoryOptions
            {
                IOQueueCount = settings.IOQueueCount,
                WaitForDataBeforeAllocatingBuffer = settings.WaitForDataBeforeAllocatingBuffer,
                MaxReadBufferSize = settings.MaxReadBufferSize,
                MaxWriteBufferSize = settings.MaxWriteBufferSize,
                UnsafePreferInlineScheduling = settings.UnsafePreferInlineScheduling,
            },
            logs.CreateLogger("Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets"));
        return ValueTask.FromResult<IConnectionListener>(
            new PatientSocketListener(socket, connections, settings.NoDelay, _reserve.Value, time));
    }

    public void Dispose()
    {
        if (_reserve.IsValueCreated)
        {
            _reserve.Value.Dispose();
        }
    }
}
