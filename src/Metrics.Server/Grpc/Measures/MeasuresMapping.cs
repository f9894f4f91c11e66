using Google.Protobuf.WellKnownTypes;
using Metrics.Domain.Calendar;
using Metrics.Domain.Comparisons;
using Metrics.Domain.Observations;
using Metrics.Domain.StreetCrime;
using Metrics.Server.History;
using Metrics.Server.Imports;
using Metrics.Storage.Repositories;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc.Measures;

/// <summary>Between the domain and metrics.v1.MeasuresService's own messages (measures.proto, imports.proto).</summary>
internal static class MeasuresMapping
{
    public static V1.GetSeriesResponse ToContract(this Series series)
    {
        var response = new V1.GetSeriesResponse
        {
            Measure = series.Measure.ToContract(),
            Area = series.Area.ToContract(),
            Breakdown = series.Breakdown,
            Granularity = series.Granularity.ToContract(),
        };
        response.Breakdowns.Add(series.Breakdowns);
        response.Points.Add(series.Points.Select(p => p.ToContract(series.Measure.Unit)));
        return response;
    }

    /// <summary>Captures as series points: a point per capture, its month, its label and the instant it was taken.</summary>
    public static V1.GetSeriesResponse ToContract(this CapturedSeries series)
    {
        var response = new V1.GetSeriesResponse
        {
            Measure = series.Measure.ToContract(),
            Area = series.Area.ToContract(),
            Breakdown = series.Breakdown,
            Granularity = series.WeekEnds ? V1.Granularity.Week : V1.Granularity.Hour,
        };
        response.Points.Add(series.Points.Select(p => new V1.SeriesPoint
        {
            FirstMonth = p.Month.ToContract(),
            Months = 0,
            Label = p.Label,
            Value = p.Value,
            MonthsWithData = 1,
            Complete = true,
            CapturedAt = Timestamp.FromDateTimeOffset(p.CapturedAt),
        }));
        return response;
    }

    public static V1.GetAreaComparisonResponse ToContract(this AreaComparisonResult result)
    {
        var response = new V1.GetAreaComparisonResponse { Month = result.Month.ToContract(), Total = result.Table.Total.ToContract() };
        response.Areas.Add(result.Areas.Select(a => a.ToContract()));
        response.Rows.Add(result.Table.Rows.Select(r => r.ToContract()));
        return response;
    }

    public static V1.GetYearEndComparisonResponse ToContract(this YearEndResult result)
    {
        var response = new V1.GetYearEndComparisonResponse
        {
            Area = result.Area.ToContract(),
            PreviousLabel = result.Year.Previous.ToString(),
            CurrentLabel = result.Year.ToString(),
        };
        response.Rows.Add(result.Rows.Select(r => r.ToContract()));
        return response;
    }

    public static V1.AreaComparisonRow ToContract(this AreaComparisonRow row)
    {
        var message = new V1.AreaComparisonRow { Measure = row.Measure.ToContract(), RateBase = row.Measure.ToContract().RateBase };
        foreach (var cell in row.Cells)
        {
            var c = new V1.AreaComparisonCell { AreaCode = cell.AreaCode, MonthsInAverage = cell.MonthsInAverage, TwelveMonthAveragePublished = cell.AverageIsPublished };
            if (cell.Volume is { } volume)
            {
                c.Volume = volume;
            }

            if (cell.TwelveMonthAverage is { } average)
            {
                c.TwelveMonthAverage = average;
            }

            if (cell.PercentOfTotal is { } share)
            {
                c.PercentOfTotal = share;
            }

            if (cell.RatePerThousand is { } rate)
            {
                c.RatePerThousand = rate;
            }

            message.Cells.Add(c);
        }

        return message;
    }

    public static V1.YearEndRow ToContract(this YearEndRow row)
    {
        var message = new V1.YearEndRow
        {
            Measure = row.Measure.ToContract(),
            PreviousComplete = row.PreviousComplete,
            CurrentComplete = row.CurrentComplete,
        };
        if (row.PreviousTotal is { } previous)
        {
            message.PreviousTotal = previous;
        }

        if (row.CurrentTotal is { } current)
        {
            message.CurrentTotal = current;
        }

        if (row.PercentChange is { } change)
        {
            message.PercentChange = change;
        }

        return message;
    }

    /// <summary>What a definition changes, measure by measure or area by area, field names as the protocol spells them.</summary>
    public static IEnumerable<V1.DefinitionChange> ChangesToContract(this DefinitionResult result) =>
        result.Changed.Select(c => new V1.DefinitionChange { Key = c.Key, Fields = { c.Fields } });
}
