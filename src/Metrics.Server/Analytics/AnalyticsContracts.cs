using Metrics.Analytics.Commentary;
using Metrics.Analytics.Comparisons;
using Metrics.Analytics.Spc;
using Metrics.Analytics.Summary;
using Metrics.Domain.Calendar;
using Metrics.Server.Grpc;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Analytics;

/// <summary>Between the analytics results and the protocol's messages.</summary>
internal static class AnalyticsContracts
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
            ReportingRule = (V1.ReportingRule)(int)row.Headline.ReportingRule,
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

    private static readonly (SpcRule Rule, V1.SpcRule Contract)[] Rules =
    [
        (SpcRule.OutsideLimits, V1.SpcRule.OutsideLimits),
        (SpcRule.Shift, V1.SpcRule.Shift),
        (SpcRule.Trend, V1.SpcRule.Trend),
        (SpcRule.TwoOfThreeNearLimit, V1.SpcRule.TwoOfThreeNearLimit),
    ];
}
