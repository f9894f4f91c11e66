using Google.Protobuf.Collections;
using Metrics.Domain.Catalogue;
using Metrics.Server.Grpc;
using Metrics.Storage;
using Metrics.Storage.Repositories;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.History;

/// <summary>Forces, areas and measures defined as data, checked whole before anything is written.</summary>
internal sealed class CatalogueDefinitions(CatalogueRepository catalogue)
{
    public async Task<(int Created, int Updated)> DefineForceAsync(V1.DefineForceRequest request, CancellationToken cancellationToken)
    {
        if (request.Force is null)
        {
            throw Problems.Required("force");
        }

        var force = ToArea(request.Force, "force", expectedParent: null);
        if (force.Kind != AreaKind.Force)
        {
            throw Problems.Invalid("force.kind", "must be AREA_KIND_FORCE");
        }

        var areas = request.Areas.Select((a, i) => ToArea(a, $"areas[{i}]", force.Code)).ToList();
        var duplicate = areas.Prepend(force).GroupBy(a => a.Code).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw Problems.Invalid("areas", $"code '{duplicate.Key}' is given more than once");
        }

        var existing = await catalogue.GetAreasAsync(cancellationToken);
        var clash = areas.FirstOrDefault(a => existing.Any(e => e.Code == a.Code && e.ParentCode != force.Code));
        if (clash is not null)
        {
            throw Problems.Invalid("areas", $"code '{clash.Code}' already belongs to another force");
        }

        return await catalogue.UpsertAreasAsync(areas.Prepend(force), cancellationToken);
    }

    public async Task<(int Created, int Updated)> DefineMeasuresAsync(RepeatedField<V1.Measure> measures, CancellationToken cancellationToken)
    {
        if (measures.Count == 0)
        {
            throw Problems.Required("measures");
        }

        var definitions = measures.Select((m, i) => ToMeasure(m, $"measures[{i}]")).ToList();
        var known = (await catalogue.GetMeasuresAsync(cancellationToken)).Select(m => m.Id).Concat(definitions.Select(d => d.Id)).ToHashSet(StringComparer.Ordinal);
        foreach (var definition in definitions)
        {
            // Ids are compared exactly on every engine: 'Crime' beside 'crime' is two measures, and surely a mistake.
            var twin = known.FirstOrDefault(id => id != definition.Id && string.Equals(id, definition.Id, StringComparison.OrdinalIgnoreCase));
            if (twin is not null)
            {
                throw Problems.Invalid("measures", $"id '{definition.Id}' differs from measure '{twin}' only in case; ids are compared exactly");
            }
        }

        var orphan = definitions.FirstOrDefault(d => d.PartOfMeasureId is not null && !known.Contains(d.PartOfMeasureId));
        if (orphan is not null)
        {
            throw Problems.NotFound("measure", orphan.PartOfMeasureId!);
        }

        return await catalogue.UpsertMeasuresAsync(definitions, cancellationToken);
    }

    private static AreaDefinition ToArea(V1.Area area, string field, string? expectedParent)
    {
        var code = Validate.Key(area.Code, $"{field}.code");
        if (code != AreaCodes.FromName(code))
        {
            throw Problems.Invalid($"{field}.code", $"'{code}' is not lower-kebab-case (try '{AreaCodes.FromName(code)}')");
        }

        var kind = area.Kind switch
        {
            V1.AreaKind.Force => AreaKind.Force,
            V1.AreaKind.LocalPolicingArea => AreaKind.LocalPolicingArea,
            V1.AreaKind.PartnerArea => AreaKind.PartnerArea,
            _ => throw Problems.Invalid($"{field}.kind", "is required"),
        };
        if (expectedParent is not null && area.ParentCode != expectedParent)
        {
            throw Problems.Invalid($"{field}.parent_code", $"must be the force, '{expectedParent}'");
        }

        if (area.HasPopulation && area.Population <= 0)
        {
            throw Problems.Invalid($"{field}.population", "must be positive");
        }

        if (area.HasHouseholds && area.Households <= 0)
        {
            throw Problems.Invalid($"{field}.households", "must be positive");
        }

        return new AreaDefinition(
            code,
            Validate.Key(area.Name, $"{field}.name"),
            kind,
            expectedParent,
            area.HasPopulation ? area.Population : null,
            area.HasHouseholds ? area.Households : null,
            Validate.Text(area.PopulationVintage, $"{field}.population_vintage", StoredText.NameLength),
            Names(area.Peers, $"{field}.peers"),
            Names(area.Districts, $"{field}.districts"));
    }

    /// <summary>Each named, once (ignoring case, as SQL Server's default collation compares them).</summary>
    private static List<string> Names(IReadOnlyList<string> values, string field)
    {
        var names = values.Select((v, i) => Validate.Key(v, $"{field}[{i}]")).ToList();
        var twice = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        return twice is null ? names : throw Problems.Invalid(field, $"'{twice.Key}' is given more than once");
    }

    private static MeasureDefinition ToMeasure(V1.Measure m, string field)
    {
        var id = Validate.Key(m.Id, $"{field}.id");
        T Required<T>(int value, string name)
            where T : struct, Enum =>
            value > 0 && Enum.IsDefined(typeof(T), value) ? (T)(object)value : throw Problems.Invalid($"{field}.{name}", "is required");

        return new MeasureDefinition(
            id,
            Validate.Key(m.Name, $"{field}.name"),
            Validate.Text(m.Section, $"{field}.section", StoredText.NameLength),
            Validate.Text(m.Topic, $"{field}.topic", StoredText.NameLength),
            Required<MeasureUnit>((int)m.Unit, "unit"),
            Required<Polarity>((int)m.Polarity, "polarity"),
            Required<ReportingRule>((int)m.ReportingRule, "reporting_rule"),
            Validate.Text(m.BreakdownKind, $"{field}.breakdown_kind", StoredText.BreakdownKindLength),
            m.RateBase == V1.RateBase.Unspecified ? RateBase.None : Required<RateBase>((int)m.RateBase, "rate_base"),
            string.IsNullOrEmpty(m.PartOfMeasureId) ? null : Validate.Key(m.PartOfMeasureId, $"{field}.part_of_measure_id"),
            Validate.Text(m.Description, $"{field}.description", StoredText.DescriptionLength));
    }
}
