using Google.Protobuf.Reflection;
using Grpc.Core;

namespace Metrics.Server.Tests;

/// <summary>
/// Calls any RPC of the protocol by its descriptor with messages given as bytes (well formed or
/// not), whatever its kind, and returns the status it ends with: for tests that walk every RPC.
/// </summary>
internal static class RawCalls
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create<byte[]>(b => b, b => b);

    public static string Name(MethodDescriptor rpc) => $"{rpc.Service.FullName}/{rpc.Name}";

    /// <summary>
    /// Sends the messages (a unary or server-streaming call sends the first), reads the first
    /// response, and returns null for OK; for an error, its status, message and the reason of its
    /// google.rpc.ErrorInfo (null when it carries none).
    /// </summary>
    public static async Task<(StatusCode? Code, string Detail, string? Reason)> CallAsync(CallInvoker calls, MethodDescriptor rpc, IReadOnlyList<byte[]> messages, TimeSpan? timeout = null)
    {
        var type = (rpc.IsClientStreaming, rpc.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (true, false) => MethodType.ClientStreaming,
            (false, true) => MethodType.ServerStreaming,
            (true, true) => MethodType.DuplexStreaming,
        };
        var method = new Method<byte[], byte[]>(type, rpc.Service.FullName, rpc.Name, Bytes, Bytes);
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var options = new CallOptions(cancellationToken: deadline.Token);
        var first = messages.Count > 0 ? messages[0] : [];
        try
        {
            switch (type)
            {
                case MethodType.Unary:
                    await calls.AsyncUnaryCall(method, null, options, first);
                    break;
                case MethodType.ClientStreaming:
                    using (var call = calls.AsyncClientStreamingCall(method, null, options))
                    {
                        await WriteUntilAnsweredAsync(call.RequestStream, messages, call.ResponseAsync, deadline.Token);
                    }

                    break;
                case MethodType.ServerStreaming:
                    using (var call = calls.AsyncServerStreamingCall(method, null, options, first))
                    {
                        await call.ResponseStream.MoveNext(deadline.Token);
                    }

                    break;
                default:
                    using (var call = calls.AsyncDuplexStreamingCall(method, null, options))
                    {
                        await WriteUntilAnsweredAsync(call.RequestStream, messages, ReadAllAsync(call.ResponseStream, deadline.Token), deadline.Token);
                    }

                    break;
            }

            return (null, "", null);
        }
        catch (RpcException e)
        {
            return (e.StatusCode, e.Status.Detail, e.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason);
        }
    }

    /// <summary>
    /// Writes while the server answers: a server that ends the call early (a refused message) stops
    /// reading, and a write of a large message would then wait for flow control until the deadline.
    /// </summary>
    private static async Task WriteUntilAnsweredAsync(IClientStreamWriter<byte[]> requests, IReadOnlyList<byte[]> messages, Task answered, CancellationToken cancellationToken)
    {
        var writing = WriteAllAsync(requests, messages, cancellationToken);
        await Task.WhenAny(writing, answered);
        await answered;
    }

    private static async Task ReadAllAsync(IAsyncStreamReader<byte[]> responses, CancellationToken cancellationToken)
    {
        while (await responses.MoveNext(cancellationToken))
        {
        }
    }

    /// <summary>
    /// Writes until the server ends the call (a write then fails with the transport's reset, not
    /// the call's status): the response says how the call ended.
    /// </summary>
    private static async Task WriteAllAsync(IClientStreamWriter<byte[]> requests, IReadOnlyList<byte[]> messages, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var message in messages)
            {
                await requests.WriteAsync(message, cancellationToken);
            }

            await requests.CompleteAsync();
        }
        catch (RpcException) when (!cancellationToken.IsCancellationRequested)
        {
        }
        catch (InvalidOperationException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }
}
