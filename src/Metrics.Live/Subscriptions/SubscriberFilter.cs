using Metrics.Live.Windows;

namespace Metrics.Live.Subscriptions;

/// <summary>
/// What a subscriber asked for: feeds (none = all) and areas (none = all; force-wide figures
/// always). Two filters are equal when they ask for the same feeds and areas, in any order.
/// </summary>
public sealed record SubscriberFilter(IReadOnlySet<LiveFeedKind> Feeds, IReadOnlySet<string> AreaCodes)
{
    public static SubscriberFilter Everything { get; } = new(new HashSet<LiveFeedKind>(), new HashSet<string>());

    /// <summary>
    /// The filter in a few characters, the same for equal filters in any process: a resume token
    /// carries it, so a resume asked with another filter is told apart (its changes would leave
    /// out what the new filter adds).
    /// </summary>
    public string Fingerprint
    {
        get
        {
            var canonical = string.Join(',', Feeds.Select(f => ((int)f).ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal))
                + "|" + string.Join('\n', AreaCodes.Order(StringComparer.Ordinal));
            return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonical)).AsSpan(0, 8));
        }
    }

    public bool Wants(LiveFigure figure) =>
        (Feeds.Count == 0 || Feeds.Contains(figure.Feed)) &&
        (AreaCodes.Count == 0 || figure.AreaCode == ForceWide.AreaCode || AreaCodes.Contains(figure.AreaCode));

    public bool Equals(SubscriberFilter? other) =>
        other is not null && Feeds.SetEquals(other.Feeds) && AreaCodes.SetEquals(other.AreaCodes);

    public override int GetHashCode()
    {
        // Order-free: the sets may hold the same members in a different order.
        var hash = 0;
        foreach (var feed in Feeds)
        {
            hash ^= (int)feed + 1;
        }

        foreach (var area in AreaCodes)
        {
            hash ^= StringComparer.Ordinal.GetHashCode(area);
        }

        return hash;
    }
}
