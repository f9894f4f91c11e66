using Grpc.Core;
using Metrics.Domain.Requests;
using Metrics.Live.Subscriptions;
using Metrics.Server.History;
using Metrics.Server.Limits;
using Metrics.Server.Live;
using Metrics.Server.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc.Live;

/// <summary>
/// metrics.v1.LiveService. A subscription's messages go through its own queue and this one
/// writer loop (one write in flight per response stream); a reader that takes no message for
/// the stall timeout is dropped.
/// </summary>
[Authorize(Policy = ForceRoles.Policies.Read)]
internal sealed class LiveService(
    LiveBroadcast broadcast,
    CatalogueLookup lookup,
    CallerLimits limits,
    IOptions<LiveServiceOptions> options,
    TimeProvider clock,
    StalledWrites stalledWrites,
    SharedUpdates sharedUpdates,
    ViewerTokenRenewal renewal,
    Server.Live.Log.ILiveEventLog eventLog,
    Telemetry.ServiceMetrics metrics)
    : V1.LiveService.LiveServiceBase
{
    public override async Task Subscribe(V1.SubscribeRequest request, IServerStreamWriter<V1.SubscribeResponse> responseStream, ServerCallContext context)
    {
        var filter = await FilterAsync(request.Feeds, request.AreaCodes, context.CancellationToken);
        using var counted = limits.OpenSubscription(Caller.Of(context));
        using var subscription = broadcast.Subscribe(filter, ResumeTokens.Decode(request.ResumeToken));
        var settings = options.Value;

        // A stream lives no longer than the token that opened it (real time: a security fact).
        var expires = ViewerTokenRenewal.ExpiryOf(context.GetHttpContext().User);
        using var expiry = ExpiryTimer(expires);
        using var open = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, expiry.Token);
        using var watched = stalledWrites.Watch();
        // Expiry interrupts the wait for the next message, never a write: a write cut short resets
        // the stream, and the caller would learn nothing of why.
        using var either = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, watched.Stalled);
        while (!context.CancellationToken.IsCancellationRequested)
        {
            LiveMessage message;
            try
            {
                message = await subscription.NextAsync(settings.Heartbeat, clock, open.Token);
            }
            catch (OperationCanceledException) when (expiry.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
            {
                throw Expired(expires!.Value);
            }

            // Figures that no longer move (a replica's log without a quorum) get no heartbeat:
            // the display marks itself stale, as for a lost connection, and keeps what it shows.
            if (message.Kind == LiveMessageKind.Heartbeat && !eventLog.FiguresCurrent)
            {
                continue;
            }

            try
            {
                watched.WriteStarting();
                await responseStream.WriteAsync(sharedUpdates.ToContract(message, subscription.Filter), either.Token);
                watched.WriteEnded();
                if (message.PublishedAt != 0)
                {
                    metrics.UpdateDelivered(clock.GetElapsedTime(message.PublishedAt));
                }
            }
            catch (OperationCanceledException) when (watched.Stalled.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
            {
                metrics.SubscriberDropped();
                // UNAVAILABLE: reconnecting is what helps (a slow network, a frozen tab), and it is what clients retry.
                throw ErrorDetails.Exception(
                    StatusCode.Unavailable,
                    V1.ErrorReason.SubscriberTooSlow,
                    $"subscriber took no message for {settings.StallTimeout.TotalSeconds:0} s (Live:StallTimeout) and was dropped; reconnect with the last message's resume_token",
                    retryAfter: TimeSpan.Zero);
            }
        }
    }

    public override Task<V1.RenewViewerTokenResponse> RenewViewerToken(V1.RenewViewerTokenRequest request, ServerCallContext context)
    {
        var renewed = renewal.Renew(context.GetHttpContext().User);
        return Task.FromResult(new V1.RenewViewerTokenResponse
        {
            Token = renewed.Token,
            ExpiresAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(renewed.ExpiresAt),
            RenewableUntil = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(renewed.RenewableUntil),
        });
    }

    private static RpcException Expired(DateTimeOffset at) => ErrorDetails.Exception(
        StatusCode.Unauthenticated,
        V1.ErrorReason.TokenExpired,
        $"the bearer token expired at {at:yyyy-MM-dd HH:mm:ss}Z; reconnect with a renewed token (RenewViewerToken) and the last message's resume_token");

    /// <summary>Cancelled when the token expires; never for a token without an expiry or beyond a timer's reach (49 days).</summary>
    private static CancellationTokenSource ExpiryTimer(DateTimeOffset? expires)
    {
        var left = expires - DateTimeOffset.UtcNow;
        return left switch
        {
            null => new CancellationTokenSource(),
            { } l when l <= TimeSpan.Zero => new CancellationTokenSource(TimeSpan.Zero, TimeProvider.System),
            { } l when l < TimeSpan.FromDays(49) => new CancellationTokenSource(l, TimeProvider.System),
            _ => new CancellationTokenSource(),
        };
    }

    public override async Task<V1.GetSnapshotResponse> GetSnapshot(V1.GetSnapshotRequest request, ServerCallContext context)
    {
        var filter = await FilterAsync(request.Feeds, request.AreaCodes, context.CancellationToken);
        var (latest, figures) = broadcast.Current(filter);
        var response = new V1.GetSnapshotResponse
        {
            Sequence = latest.Sequence,
            AsOf = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(latest.AsOf),
            Watermark = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(latest.Watermark),
        };
        response.Figures.Add(figures.Select(f => f.ToContract()));
        return response;
    }

    private async Task<SubscriberFilter> FilterAsync(IReadOnlyList<V1.LiveFeed> feeds, IReadOnlyList<string> areaCodes, CancellationToken cancellationToken)
    {
        for (var i = 0; i < feeds.Count; i++)
        {
            if (feeds[i] is not (V1.LiveFeed.Calls or V1.LiveFeed.Incidents or V1.LiveFeed.Intelligence or V1.LiveFeed.Alerts))
            {
                throw new InvalidFieldException($"feeds[{i}]", "is not a feed: calls, incidents, intelligence or alerts");
            }
        }

        var known = (await lookup.AreasAsync(cancellationToken)).Select(a => a.Code).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < areaCodes.Count; i++)
        {
            if (!known.Contains(areaCodes[i]))
            {
                throw new NotFoundException("area", areaCodes[i]);
            }
        }

        return new SubscriberFilter(feeds.Select(f => (LiveFeedKind)(int)f).ToHashSet(), areaCodes.ToHashSet(StringComparer.Ordinal));
    }
}
