using Metrics.Analytics.Commentary;
using Metrics.Analytics.Comparisons;
using Metrics.Analytics.Projection;
using Metrics.Analytics.Spc;
using Metrics.Analytics.Summary;
using Metrics.Domain.Calendar;
using Metrics.Server.Analytics;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc.Analytics;

/// <summary>Between the analysts' results and metrics.v1.AnalyticsService's messages (analytics.proto).</summary>
internal static class AnalyticsMapping
{
    public static V1.Change ToContract(this Change change)
    {
        var message = new V1.Change();
        if (change.Difference is { } difference)
        {
            message.Difference = difference;
        }

        if (change.Percent is { } percent)
        {
            message.Percent = percent;
        }

        return message;
    }

    public static V1.ControlChartPoint ToContract(this SpcPoint point, YearMonth month, SpcOptions options)
    {
        var message = new V1.ControlChartPoint
        {
            Month = month.ToContract(),
            Value = point.Value,
            Mean = point.Mean,
            LowerLimit = point.LowerLimit,
            UpperLimit = point.UpperLimit,
            LowerNearLimit = point.LowerNearLimit,
            UpperNearLimit = point.UpperNearLimit,
            Segment = point.Segment,
            Variation = point.Variation switch
            {
                Variation.ImprovementHigh => V1.Variation.ImprovementHigh,
                Variation.ImprovementLow => V1.Variation.ImprovementLow,
                Variation.ConcernHigh => V1.Variation.ConcernHigh,
                Variation.ConcernLow => V1.Variation.ConcernLow,
                Variation.NeitherHigh => V1.Variation.NeitherHigh,
                Variation.NeitherLow => V1.Variation.NeitherLow,
                _ => V1.Variation.CommonCause,
            },
        };
        if (point.MovingRange is { } movingRange)
        {
            message.MovingRange = movingRange;
        }

        foreach (var (rule, contract) in Rules)
        {
            if (point.Rules.HasFlag(rule))
            {
                message.Rules.Add(contract);
            }
        }

        message.Reasons.Add(SpcReasons.Describe(point, options));
        return message;
    }

    public static V1.MonthReading ToContract(this MonthReading reading, SpcOptions options)
    {
        var message = new V1.MonthReading
        {
            Direction = reading.Direction switch
            {
                Direction.Increase => V1.Direction.Increase,
                Direction.Decrease => V1.Direction.Decrease,
                Direction.NoChange => V1.Direction.NoChange,
                _ => V1.Direction.Unspecified,
            },
            Position = reading.Position switch
            {
                Position.SignificantlyAbove => V1.Position.SignificantlyAbove,
                Position.Above => V1.Position.Above,
                Position.InLine => V1.Position.InLine,
                Position.Below => V1.Position.Below,
                Position.SignificantlyBelow => V1.Position.SignificantlyBelow,
                _ => V1.Position.Unspecified,
            },
        };
        if (reading.MonthlyAverage is { } average)
        {
            message.MonthlyAverage = average;
        }

        if (reading.Chart is { } chart)
        {
            message.Point = chart.Points[^1].ToContract(reading.Month, options);
            message.TrialLimits = chart.TrialLimits;
            message.ChartMonths = chart.Points.Count;
        }

        return message;
    }

    public static V1.SummaryRow ToContract(this SummaryRow row, SpcOptions options)
    {
        var message = new V1.SummaryRow
        {
            Topic = row.Topic,
            MeasureId = row.Headline.Id,
            Breakdown = row.Breakdown,
            ReportingRule = (row.Headline with { ReportingRule = row.Rule }).ToContract().ReportingRule,
            Inclusion = row.Inclusion,
            IncludedThisMonth = row.IncludedThisMonth,
            Data = row.Data,
            Exceptions = row.Exceptions,
            Narrative = row.Narrative,
            AreaMovement = row.AreaMovement,
        };
        if (row.Force is { } force)
        {
            message.Reading = force.ToContract(options);
            message.Value = force.Value;
        }

        message.ExceptionalAreaCodes.Add(row.Areas.Where(a => a.IsExceptional).Select(a => a.Area.Code));
        return message;
    }

    public static V1.GetMeasureSummaryResponse ToContract(this MeasureSummary summary)
    {
        var comparison = summary.Comparison;
        var response = new V1.GetMeasureSummaryResponse
        {
            Measure = summary.Measure.ToContract(),
            Area = summary.Area.ToContract(),
            Month = summary.Month.ToContract(),
            Breakdown = summary.Breakdown,
            Current = comparison.Current.ToContract(summary.Measure.Unit),
            PreviousMonth = comparison.PreviousMonth.ToContract(summary.Measure.Unit),
            SameMonthLastYear = comparison.SameMonthLastYear.ToContract(summary.Measure.Unit),
            PreviousTwelveMonths = comparison.PreviousTwelveMonths.ToContract(summary.Measure.Unit),
            RollingTwelveMonths = comparison.RollingTwelveMonths.ToContract(summary.Measure.Unit),
            FinancialYearToDate = comparison.FinancialYearToDate.ToContract(summary.Measure.Unit),
            FinancialYearToDateLastYear = comparison.FinancialYearToDateLastYear.ToContract(summary.Measure.Unit),
            OnPreviousMonth = comparison.OnPreviousMonth.ToContract(),
            OnSameMonthLastYear = comparison.OnSameMonthLastYear.ToContract(),
            OnTwelveMonthAverage = comparison.OnTwelveMonthAverage.ToContract(),
            FinancialYearToDateChange = comparison.FinancialYearToDateChange.ToContract(),
            Reading = summary.Reading.ToContract(summary.Spc),
            Commentary = new V1.Commentary { Data = summary.Data, Narrative = summary.Narrative },
        };
        if (comparison.TwelveMonthAverage is { } average)
        {
            response.TwelveMonthAverage = average;
        }

        if (comparison.RateBase is { } rateBase)
        {
            response.RateBase = rateBase;
        }

        if (comparison.RatePerThousand is { } rate)
        {
            response.RatePerThousand = rate;
        }

        if (comparison.RatePerThousandLastYear is { } rateLastYear)
        {
            response.RatePerThousandLastYear = rateLastYear;
        }

        return response;
    }

    public static ControlChartChoices ToDomain(this V1.ControlChartOptions? options)
    {
        options ??= new V1.ControlChartOptions();
        return new ControlChartChoices(
            [.. options.RebaseAt.Select((m, i) => ContractValues.Month(m, $"options.rebase_at[{i}]"))],
            options.HasFixAfterMonths ? options.FixAfterMonths : null,
            options.Screening != V1.MovingRangeScreening.None,
            options.HasTarget ? options.Target : null);
    }

    public static V1.GetControlChartResponse ToContract(this ControlChart chart)
    {
        var response = new V1.GetControlChartResponse
        {
            Measure = chart.Measure.ToContract(),
            Area = chart.Area.ToContract(),
            Breakdown = chart.Breakdown,
            TrialLimits = chart.Chart.TrialLimits,
            BaselineMonths = chart.Chart.BaselinePoints,
            Assurance = chart.Chart.Assurance switch
            {
                Assurance.ConsistentlyPass => V1.Assurance.ConsistentlyPass,
                Assurance.ConsistentlyFail => V1.Assurance.ConsistentlyFail,
                Assurance.Inconsistent => V1.Assurance.Inconsistent,
                _ => V1.Assurance.Unspecified,
            },
        };
        response.Points.Add(chart.Chart.Points.Select(p => p.ToContract(chart.Months[p.Index], chart.Spc)));
        return response;
    }

    public static V1.GetProjectionResponse ToContract(this ProjectionResult result)
    {
        var projection = result.Projection;
        var response = new V1.GetProjectionResponse
        {
            Measure = result.Measure.ToContract(),
            Area = result.Area.ToContract(),
            Breakdown = result.Breakdown,
            Method = projection.Method == ProjectionMethod.HoltWintersDamped ? V1.ProjectionMethod.HoltWintersDamped : V1.ProjectionMethod.SeasonalNaive,
            History = new V1.MonthRange { First = result.First.ToContract(), Last = result.Last.ToContract() },
            IntervalPercent = projection.IntervalLevel * 100,
        };
        response.Points.Add(projection.Points.Select(p => new V1.ProjectionPoint
        {
            Month = result.Last.AddMonths(p.StepsAhead).ToContract(),
            Value = p.Value,
            Lower = p.Lower,
            Upper = p.Upper,
        }));
        if (projection.Backtest is { } backtest)
        {
            response.Backtest = new V1.Backtest
            {
                Origins = backtest.Origins,
                Horizon = backtest.Horizon,
                Mase = backtest.Mase,
                SeasonalNaiveMase = backtest.SeasonalNaiveMase,
                RelativeToSeasonalNaive = backtest.RelativeToSeasonalNaive,
            };
        }

        if (projection.Model is { } model)
        {
            response.Model = new V1.HoltWintersModel { Alpha = model.Alpha, Beta = model.Beta, Gamma = model.Gamma, Phi = model.Phi, Sigma = model.Sigma };
        }

        return response;
    }

    public static V1.GetPerformanceSummaryResponse ToContract(this SummaryPage page)
    {
        var response = new V1.GetPerformanceSummaryResponse { Force = page.Force.ToContract(), Month = page.Month.ToContract() };
        foreach (var (name, rows) in page.Sections)
        {
            var section = new V1.SummarySection { Name = name };
            section.Rows.Add(rows.Select(r => r.ToContract(page.Spc)));
            response.Sections.Add(section);
        }

        return response;
    }

    public static V1.GetOutcomeRatesResponse ToContract(this OutcomeRatesResult result)
    {
        var response = new V1.GetOutcomeRatesResponse { Measure = result.Measure.ToContract(), Area = result.Area.ToContract() };
        foreach (var window in result.Windows)
        {
            var message = new V1.OutcomeWindow
            {
                Range = new V1.MonthRange { First = window.Period.First.ToContract(), Last = window.Period.Last.ToContract() },
                Label = window.Label,
                Stored = window.Stored,
            };
            if (window.TotalOutcomed is { } outcomed)
            {
                message.TotalOutcomed = outcomed;
            }

            if (window.TotalRecorded is { } recorded)
            {
                message.TotalRecorded = recorded;
            }

            if (window.Rate is { } rate)
            {
                message.OutcomePercent = rate;
            }

            foreach (var group in window.Groups)
            {
                var groupMessage = new V1.OutcomeGroupRate { Group = group.Group, Outcomed = group.Outcomed };
                if (group.Rate is { } groupRate)
                {
                    groupMessage.OutcomePercent = groupRate;
                }

                message.Groups.Add(groupMessage);
            }

            response.Windows.Add(message);
        }

        return response;
    }

    private static readonly (SpcRule Rule, V1.SpcRule Contract)[] Rules =
    [
        (SpcRule.OutsideLimits, V1.SpcRule.OutsideLimits),
        (SpcRule.Shift, V1.SpcRule.Shift),
        (SpcRule.Trend, V1.SpcRule.Trend),
        (SpcRule.TwoOfThreeNearLimit, V1.SpcRule.TwoOfThreeNearLimit),
    ];
}
