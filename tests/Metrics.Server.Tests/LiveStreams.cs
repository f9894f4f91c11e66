using Grpc.Core;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>Reading a live subscription in tests: the next message, or a failure saying the stream ended or went quiet.</summary>
internal static class LiveStreams
{
    public static async Task<SubscribeResponse> NextAsync(this AsyncServerStreamingCall<SubscribeResponse> call)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Assert.True(await call.ResponseStream.MoveNext(guard.Token), "the stream ended");
        return call.ResponseStream.Current;
    }
}
