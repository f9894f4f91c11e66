using Grpc.Core;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>Reading a live subscription in tests: the next message, or a failure saying the stream ended or went quiet.</summary>
internal static class LiveStreams
{
    /// <summary>
    /// Real time allowed for a message the virtual clock has already made due. Generous: with the
    /// fuzz, stall and browser tests beside it on two loaded cores, 20 s ran out once in eleven
    /// suite runs (an alert's update, published on the first tick, not read in time).
    /// </summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task<SubscribeResponse> NextAsync(this AsyncServerStreamingCall<SubscribeResponse> call)
    {
        using var guard = new CancellationTokenSource(Patience);
        try
        {
            Assert.True(await call.ResponseStream.MoveNext(guard.Token), "the stream ended");
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && guard.IsCancellationRequested)
        {
            throw new Xunit.Sdk.XunitException($"no message within {Patience.TotalSeconds:0} s of real time");
        }

        return call.ResponseStream.Current;
    }
}
