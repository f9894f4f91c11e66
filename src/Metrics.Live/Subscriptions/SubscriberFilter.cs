namespace Metrics.Live.Subscriptions;

/// <summary>What a subscriber asked for: feeds (none = all) and areas (none = all; force-wide figures always).</summary>
public sealed record SubscriberFilter(IReadOnlySet<LiveFeedKind> Feeds, IReadOnlySet<string> AreaCodes)
{
    public static SubscriberFilter Everything { get; } = new(new HashSet<LiveFeedKind>(), new HashSet<string>());

    public bool Wants(LiveFigure figure) =>
        (Feeds.Count == 0 || Feeds.Contains(figure.Feed)) &&
        (AreaCodes.Count == 0 || figure.AreaCode.Length == 0 || AreaCodes.Contains(figure.AreaCode));
}
