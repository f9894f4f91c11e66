namespace Metrics.Live.Windows.State;

/// <summary>Counts kept per minute of event time, from which every window is summed.</summary>
internal static class MinuteBuckets
{
    public static long Minute(DateTimeOffset at) => (long)Math.Floor(at.ToUnixTimeMilliseconds() / 60_000.0);

    public static DateTimeOffset Time(long minute) => DateTimeOffset.FromUnixTimeMilliseconds(minute * 60_000);

    public static TResult Sum<TResult>(Dictionary<long, TResult> buckets, long first, long last, TResult zero, Func<TResult, TResult, TResult> add)
    {
        var total = zero;
        for (var minute = first; minute <= last; minute++)
        {
            if (buckets.TryGetValue(minute, out var counts))
            {
                total = add(total, counts);
            }
        }

        return total;
    }

    /// <summary>Forgets the minutes before <paramref name="oldest"/>.</summary>
    public static void Prune<T>(Dictionary<long, T> buckets, long oldest)
    {
        foreach (var minute in buckets.Keys.Where(m => m < oldest).ToList())
        {
            buckets.Remove(minute);
        }
    }
}

/// <summary>The minutes a snapshot's windows cover, and the watermark that makes a window final.</summary>
internal readonly record struct SnapshotMinutes(
    long IntervalStart, long IntervalMinutes, (long First, long Last) Hour, (long First, long Last) Day, (long First, long Last) Today, DateTimeOffset Watermark);
