namespace Metrics.Domain.Calendar;

/// <summary>A police financial year, April to March, named by the year it starts in.</summary>
public readonly record struct FinancialYear(int StartYear)
{
    public const int FirstMonthOfYear = 4;

    public static FinancialYear Containing(YearMonth month) =>
        new(month.Month >= FirstMonthOfYear ? month.Year : month.Year - 1);

    public YearMonth First => new(StartYear, FirstMonthOfYear);

    public YearMonth Last => First.AddMonths(11);

    public Period Period => new(First, 12);

    public FinancialYear Previous => new(StartYear - 1);

    /// <summary>As the report writes it: "2018/19".</summary>
    public override string ToString() => $"{StartYear}/{(StartYear + 1) % 100:D2}";
}
