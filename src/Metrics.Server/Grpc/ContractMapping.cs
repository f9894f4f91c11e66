using Google.Protobuf.WellKnownTypes;
using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Observations;
using Metrics.Storage.Repositories;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc;

/// <summary>Between the force's domain types and the protocol's messages.</summary>
internal static class ContractMapping
{
    public static V1.YearMonth ToContract(this YearMonth month) => new() { Year = month.Year, Month = month.Month };

    public static V1.Measure ToContract(this MeasureDefinition m) => new()
    {
        Id = m.Id,
        Name = m.Name,
        Section = m.Section,
        Topic = m.Topic,
        Unit = (V1.Unit)(int)m.Unit,
        Polarity = (V1.Polarity)(int)m.Polarity,
        ReportingRule = (V1.ReportingRule)(int)m.ReportingRule,
        BreakdownKind = m.BreakdownKind,
        RateBase = (V1.RateBase)(int)m.RateBase,
        PartOfMeasureId = m.PartOfMeasureId ?? string.Empty,
        Description = m.Description,
    };

    public static V1.Area ToContract(this AreaDefinition a)
    {
        var area = new V1.Area
        {
            Code = a.Code,
            Name = a.Name,
            Kind = (V1.AreaKind)(int)a.Kind,
            ParentCode = a.ParentCode ?? string.Empty,
            PopulationVintage = a.PopulationVintage,
        };
        if (a.Population is { } population)
        {
            area.Population = population;
        }

        if (a.Households is { } households)
        {
            area.Households = households;
        }

        area.Peers.Add(a.Peers);
        area.Districts.Add(a.Districts);
        return area;
    }

    public static V1.SeriesPoint ToContract(this SeriesPoint point)
    {
        var message = new V1.SeriesPoint
        {
            FirstMonth = point.Period.First.ToContract(),
            Months = point.Period.Months,
            Label = point.Label,
            MonthsWithData = point.MonthsWithData,
            Complete = point.Complete,
        };
        if (point.Value is { } value)
        {
            message.Value = value;
        }

        if (point.Numerator is { } numerator)
        {
            message.Numerator = numerator;
        }

        if (point.Denominator is { } denominator)
        {
            message.Denominator = denominator;
        }

        return message;
    }

    public static V1.ImportBatch ToContract(this ImportBatch b)
    {
        var batch = new V1.ImportBatch
        {
            ImportId = b.Id,
            Kind = b.Kind,
            Source = b.Source,
            ForceCode = b.ForceCode,
            StartedAt = Timestamp.FromDateTimeOffset(b.StartedAt),
            RowsRead = b.RowsRead,
            RowsRejected = b.RowsRejected,
            ObservationsWritten = b.ObservationsWritten,
        };
        if (b.FinishedAt is { } finished)
        {
            batch.FinishedAt = Timestamp.FromDateTimeOffset(finished);
        }

        return batch;
    }

    public static Granularity ToDomain(this V1.Granularity granularity, string field) => granularity switch
    {
        V1.Granularity.Unspecified or V1.Granularity.Month => Granularity.Month,
        V1.Granularity.Quarter => Granularity.Quarter,
        V1.Granularity.FinancialYear => Granularity.FinancialYear,
        _ => throw Problems.Invalid(field, $"{(int)granularity} is not a granularity"),
    };

    public static V1.Granularity ToContract(this Granularity granularity) => granularity switch
    {
        Granularity.Quarter => V1.Granularity.Quarter,
        Granularity.FinancialYear => V1.Granularity.FinancialYear,
        _ => V1.Granularity.Month,
    };
}
