using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Metrics.Server.Limits;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Grpc;

/// <summary>Applies <see cref="RequestBounds"/> to every request message, streamed ones as they are read.</summary>
internal sealed class RequestBoundsInterceptor(IOptions<LimitOptions> limits) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        RequestBounds.Check((IMessage)request, limits.Value);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new CheckedReader<TRequest>(requestStream, limits.Value), context);

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        RequestBounds.Check((IMessage)request, limits.Value);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new CheckedReader<TRequest>(requestStream, limits.Value), responseStream, context);

    private sealed class CheckedReader<T>(IAsyncStreamReader<T> inner, LimitOptions limits) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!await inner.MoveNext(cancellationToken))
            {
                return false;
            }

            RequestBounds.Check((IMessage)inner.Current!, limits);
            return true;
        }
    }
}
