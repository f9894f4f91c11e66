using Metrics.Domain.Calendar;

namespace Metrics.Analytics.Projection;

/// <summary>The history a projection starts from.</summary>
public static class ProjectionHistory
{
    /// <summary>
    /// The unbroken run of months that ends with the last known month (a gap would shift the
    /// seasons): the months before the first gap, counted back from the end. Empty when nothing is known.
    /// </summary>
    public static IReadOnlyList<(YearMonth Month, double Value)> UnbrokenRunToEnd(IReadOnlyList<(YearMonth Month, double Value)> known)
    {
        if (known.Count == 0)
        {
            return [];
        }

        var run = 1;
        while (run < known.Count && known[^(run + 1)].Month == known[^run].Month.AddMonths(-1))
        {
            run++;
        }

        return [.. known.Skip(known.Count - run)];
    }
}
