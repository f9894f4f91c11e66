using Google.Protobuf.WellKnownTypes;
using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Observations;
using Metrics.Domain.Requests;
using Metrics.Storage.Repositories;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc;

/// <summary>
/// Between the domain and the messages every service shares (common.proto, catalogue.proto):
/// months, measures, areas, granularities. Each service's own messages map beside it.
/// </summary>
internal static class CommonMapping
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
        Retired = m.Retired,
        ForceCode = m.ForceCode ?? string.Empty,
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
        area.FallsWithin.Add(a.FallsWithin);
        area.Retired = a.Retired;
        return area;
    }

    /// <summary>A point of a measure in <paramref name="unit"/>: a time also comes as a Duration.</summary>
    public static V1.SeriesPoint ToContract(this SeriesPoint point, MeasureUnit unit)
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
            if (unit == MeasureUnit.Duration)
            {
                message.Duration = Duration.FromTimeSpan(TimeSpan.FromSeconds(Math.Round(value, 3)));
            }
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

    /// <summary>A measure as sent, its enums required (UNSPECIFIED is missing); rate_base may be left out (none).</summary>
    public static MeasureDefinition ToDomain(this V1.Measure m, string field) => new(
        m.Id,
        m.Name,
        m.Section,
        m.Topic,
        m.Unit switch
        {
            V1.Unit.Count => MeasureUnit.Count,
            V1.Unit.Percent => MeasureUnit.Percent,
            V1.Unit.PublishedPercent => MeasureUnit.PublishedPercent,
            V1.Unit.Duration => MeasureUnit.Duration,
            _ => throw InvalidFieldException.Required($"{field}.unit"),
        },
        m.Polarity switch
        {
            V1.Polarity.UpIsGood => Polarity.UpIsGood,
            V1.Polarity.DownIsGood => Polarity.DownIsGood,
            V1.Polarity.Neither => Polarity.Neither,
            _ => throw InvalidFieldException.Required($"{field}.polarity"),
        },
        m.ReportingRule switch
        {
            V1.ReportingRule.MonthAndQuarter => ReportingRule.MonthAndQuarter,
            V1.ReportingRule.QuarterUnlessExceptional => ReportingRule.QuarterUnlessExceptional,
            V1.ReportingRule.Quarter => ReportingRule.Quarter,
            V1.ReportingRule.Monthly => ReportingRule.Monthly,
            _ => throw InvalidFieldException.Required($"{field}.reporting_rule"),
        },
        m.BreakdownKind,
        m.RateBase switch
        {
            V1.RateBase.Unspecified or V1.RateBase.None => RateBase.None,
            V1.RateBase.Population => RateBase.Population,
            V1.RateBase.Households => RateBase.Households,
            _ => throw InvalidFieldException.Required($"{field}.rate_base"),
        },
        string.IsNullOrEmpty(m.PartOfMeasureId) ? null : m.PartOfMeasureId,
        m.Description)
    {
        ForceCode = string.IsNullOrEmpty(m.ForceCode) ? null : m.ForceCode,
    };

    /// <summary>An area as sent, its kind required.</summary>
    public static AreaDefinition ToDomain(this V1.Area area, string field) => new(
        area.Code,
        area.Name,
        area.Kind switch
        {
            V1.AreaKind.Force => AreaKind.Force,
            V1.AreaKind.LocalPolicingArea => AreaKind.LocalPolicingArea,
            V1.AreaKind.PartnerArea => AreaKind.PartnerArea,
            _ => throw InvalidFieldException.Required($"{field}.kind"),
        },
        string.IsNullOrEmpty(area.ParentCode) ? null : area.ParentCode,
        area.HasPopulation ? area.Population : null,
        area.HasHouseholds ? area.Households : null,
        area.PopulationVintage,
        [.. area.Peers],
        [.. area.Districts])
    {
        FallsWithin = [.. area.FallsWithin],
    };

    public static Granularity ToDomain(this V1.Granularity granularity, string field) => granularity switch
    {
        V1.Granularity.Unspecified or V1.Granularity.Month => Granularity.Month,
        V1.Granularity.Quarter => Granularity.Quarter,
        V1.Granularity.FinancialYear => Granularity.FinancialYear,
        _ => throw new InvalidFieldException(field, $"{(int)granularity} is not a granularity"),
    };

    public static V1.Granularity ToContract(this Granularity granularity) => granularity switch
    {
        Granularity.Quarter => V1.Granularity.Quarter,
        Granularity.FinancialYear => V1.Granularity.FinancialYear,
        _ => V1.Granularity.Month,
    };
}
