using Metrics.Domain.Calendar;

namespace Metrics.Domain.Observations;

/// <summary>Which stored figure: a measure for an area over a period, for one breakdown.</summary>
public readonly record struct FigureKey(string MeasureId, string AreaCode, Period Period, string Breakdown)
{
    public static FigureKey Of(Observation figure) => new(figure.MeasureId, figure.AreaCode, figure.Period, figure.Breakdown);
}

/// <summary>One figure that a change adds (no <see cref="Before"/>), removes (no <see cref="After"/>) or changes.</summary>
public sealed record FigureChange(FigureKey Key, Observation? Before, Observation? After);

/// <summary>
/// How a set of stored figures changes: counted whole, and the first changes listed in key order
/// so that an analyst can read them before (dry run) or after (a batch shown) the change.
/// </summary>
public sealed record FigureChanges(long Added, long Changed, long Removed, long Unchanged, IReadOnlyList<FigureChange> First)
{
    /// <summary>How many changes are listed at most.</summary>
    public const int MaxListed = 100;

    public static readonly FigureChanges None = new(0, 0, 0, 0, []);

    /// <summary>Every figure of <paramref name="before"/> replaced by those of <paramref name="after"/>, compared by key.</summary>
    public static FigureChanges Between(IEnumerable<Observation> before, IEnumerable<Observation> after, int listed = MaxListed)
    {
        var old = before.ToDictionary(FigureKey.Of);
        var changes = new List<FigureChange>();
        long added = 0, changed = 0, unchanged = 0;
        foreach (var figure in after)
        {
            var key = FigureKey.Of(figure);
            if (!old.Remove(key, out var was))
            {
                added++;
                changes.Add(new FigureChange(key, null, figure));
            }
            else if (SameFigure(was, figure))
            {
                unchanged++;
            }
            else
            {
                changed++;
                changes.Add(new FigureChange(key, was, figure));
            }
        }

        changes.AddRange(old.Select(o => new FigureChange(o.Key, o.Value, null)));
        var first = changes
            .OrderBy(c => c.Key.MeasureId, StringComparer.Ordinal)
            .ThenBy(c => c.Key.AreaCode, StringComparer.Ordinal)
            .ThenBy(c => c.Key.Period.Months)
            .ThenBy(c => c.Key.Period.First)
            .ThenBy(c => c.Key.Breakdown, StringComparer.Ordinal)
            .Take(listed)
            .ToList();
        return new FigureChanges(added, changed, old.Count, unchanged, first);
    }

    /// <summary>Whether anything would change.</summary>
    public bool Any => Added + Changed + Removed > 0;

    private static bool SameFigure(Observation a, Observation b) =>
        a.Value == b.Value && a.Numerator == b.Numerator && a.Denominator == b.Denominator;
}
