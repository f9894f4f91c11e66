namespace Metrics.Domain.Calendar;

/// <summary>
/// A run of whole months: a month (1), a quarter or rolling 3 months (3), a financial year
/// or rolling 12 months (12). Observations are stored against a period, so that a figure
/// published only for a quarter or a year is kept as what it is.
/// </summary>
public readonly record struct Period(YearMonth First, int Months)
{
    public static Period Month(YearMonth month) => new(month, 1);

    public YearMonth Last => First.AddMonths(Months - 1);

    public bool Contains(YearMonth month) => month >= First && month <= Last;

    public IEnumerable<YearMonth> EachMonth()
    {
        for (var i = 0; i < Months; i++)
        {
            yield return First.AddMonths(i);
        }
    }

    public override string ToString() => Months == 1 ? First.ToString() : $"{First} to {Last}";
}
