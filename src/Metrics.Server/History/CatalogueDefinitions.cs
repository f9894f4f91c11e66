using Metrics.Domain.Catalogue;
using Metrics.Domain.Requests;
using Metrics.Server.Requests;
using Metrics.Storage;
using Metrics.Storage.Repositories;

namespace Metrics.Server.History;

/// <summary>
/// Forces, areas and measures defined as data, checked whole before anything is written. The
/// field names in its refusals are those of the definition as sent (areas[1].code).
/// </summary>
internal sealed class CatalogueDefinitions(CatalogueRepository catalogue)
{
    /// <summary>Defines a force and its areas (created or updated). Every area must name the force as its parent.</summary>
    public async Task<(int Created, int Updated)> DefineForceAsync(AreaDefinition force, IReadOnlyList<AreaDefinition> areas, CancellationToken cancellationToken)
    {
        var checkedForce = Check(force, "force", expectedParent: null);
        if (checkedForce.Kind != AreaKind.Force)
        {
            throw new InvalidFieldException("force.kind", "must be AREA_KIND_FORCE");
        }

        var checkedAreas = areas.Select((a, i) => Check(a, $"areas[{i}]", checkedForce.Code)).ToList();
        var duplicate = checkedAreas.Prepend(checkedForce).GroupBy(a => a.Code, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidFieldException("areas", $"code '{duplicate.Key}' is given more than once");
        }

        // A district is one place: in two areas of one force, records there would count twice or land at random.
        var districtOwners = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < checkedAreas.Count; i++)
        {
            foreach (var district in checkedAreas[i].Districts)
            {
                if (!districtOwners.TryAdd(district, i))
                {
                    var other = districtOwners[district];
                    throw new InvalidFieldException(
                        $"areas[{i}].districts",
                        $"'{district}' is already a district of {checkedAreas[other].Code} (areas[{other}]); a district belongs to one area of a force");
                }
            }
        }

        var existing = await catalogue.GetAreasAsync(cancellationToken);
        var clash = checkedAreas.FirstOrDefault(a => existing.Any(e => e.Code == a.Code && e.ParentCode != checkedForce.Code));
        if (clash is not null)
        {
            throw new InvalidFieldException("areas", $"code '{clash.Code}' already belongs to another force");
        }

        return await catalogue.UpsertAreasAsync(checkedAreas.Prepend(checkedForce), cancellationToken);
    }

    /// <summary>Defines measures (created or updated), all or none.</summary>
    public async Task<(int Created, int Updated)> DefineMeasuresAsync(IReadOnlyList<MeasureDefinition> measures, CancellationToken cancellationToken)
    {
        if (measures.Count == 0)
        {
            throw InvalidFieldException.Required("measures");
        }

        var definitions = measures.Select((m, i) => Check(m, $"measures[{i}]")).ToList();
        var known = (await catalogue.GetMeasuresAsync(cancellationToken)).Select(m => m.Id).Concat(definitions.Select(d => d.Id)).ToHashSet(StringComparer.Ordinal);
        foreach (var definition in definitions)
        {
            // Ids are compared exactly on every engine: 'Crime' beside 'crime' is two measures, and surely a mistake.
            var twin = known.FirstOrDefault(id => id != definition.Id && string.Equals(id, definition.Id, StringComparison.OrdinalIgnoreCase));
            if (twin is not null)
            {
                throw new InvalidFieldException("measures", $"id '{definition.Id}' differs from measure '{twin}' only in case; ids are compared exactly");
            }
        }

        var orphan = definitions.FirstOrDefault(d => d.PartOfMeasureId is not null && !known.Contains(d.PartOfMeasureId));
        if (orphan is not null)
        {
            throw new NotFoundException("measure", orphan.PartOfMeasureId!);
        }

        var partOf = (await catalogue.GetMeasuresAsync(cancellationToken)).ToDictionary(m => m.Id, m => m.PartOfMeasureId, StringComparer.Ordinal);
        foreach (var definition in definitions)
        {
            partOf[definition.Id] = definition.PartOfMeasureId;
        }

        // A measure that is part of itself, however far round, would make every total it is under endless.
        if (CatalogueWalk.FindCycle(partOf) is { } cycle)
        {
            var index = definitions.FindIndex(d => cycle.Contains(d.Id));
            throw new InvalidFieldException($"measures[{index}].part_of_measure_id", $"makes a cycle: {string.Join(" → ", cycle)}");
        }

        return await catalogue.UpsertMeasuresAsync(definitions, cancellationToken);
    }

    private static AreaDefinition Check(AreaDefinition area, string field, string? expectedParent)
    {
        var code = Validate.Key(area.Code, $"{field}.code");
        if (code != AreaCodes.FromName(code))
        {
            throw new InvalidFieldException($"{field}.code", $"'{code}' is not lower-kebab-case (try '{AreaCodes.FromName(code)}')");
        }

        if (expectedParent is not null && area.ParentCode != expectedParent)
        {
            throw new InvalidFieldException($"{field}.parent_code", $"must be the force, '{expectedParent}'");
        }

        if (area.Population is <= 0)
        {
            throw new InvalidFieldException($"{field}.population", "must be positive");
        }

        if (area.Households is <= 0)
        {
            throw new InvalidFieldException($"{field}.households", "must be positive");
        }

        return area with
        {
            Code = code,
            Name = Validate.Key(area.Name, $"{field}.name"),
            ParentCode = expectedParent,
            PopulationVintage = Validate.Text(area.PopulationVintage, $"{field}.population_vintage", StoredText.NameLength),
            Peers = Names(area.Peers, $"{field}.peers"),
            Districts = Names(area.Districts, $"{field}.districts"),
        };
    }

    /// <summary>Each named, once (ignoring case: "Telford" and "telford" are one place).</summary>
    private static List<string> Names(IReadOnlyList<string> values, string field)
    {
        var names = values.Select((v, i) => Validate.Key(v, $"{field}[{i}]")).ToList();
        var twice = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        return twice is null ? names : throw new InvalidFieldException(field, $"'{twice.Key}' is given more than once");
    }

    private static MeasureDefinition Check(MeasureDefinition m, string field) => m with
    {
        Id = Validate.Key(m.Id, $"{field}.id"),
        Name = Validate.Key(m.Name, $"{field}.name"),
        Section = Validate.Text(m.Section, $"{field}.section", StoredText.NameLength),
        Topic = Validate.Text(m.Topic, $"{field}.topic", StoredText.NameLength),
        BreakdownKind = Validate.Text(m.BreakdownKind, $"{field}.breakdown_kind", StoredText.BreakdownKindLength),
        PartOfMeasureId = string.IsNullOrEmpty(m.PartOfMeasureId) ? null : Validate.Key(m.PartOfMeasureId, $"{field}.part_of_measure_id"),
        Description = Validate.Text(m.Description, $"{field}.description", StoredText.DescriptionLength),
    };
}
