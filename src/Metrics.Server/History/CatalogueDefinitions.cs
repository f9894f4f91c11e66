using Metrics.Domain.Catalogue;
using Metrics.Domain.Requests;
using Metrics.Server.Requests;
using Metrics.Storage;
using Metrics.Storage.Repositories;

namespace Metrics.Server.History;

/// <summary>What a definition changed (or, on a dry run, would): what it adds, what it changes and how, and what it leaves out.</summary>
internal sealed record DefinitionResult(
    int Created, int Updated, bool DryRun, IReadOnlyList<string> Added, IReadOnlyList<(string Key, IReadOnlyList<string> Fields)> Changed, int Unchanged,
    IReadOnlyList<string> LeftOut);

/// <summary>
/// Forces, areas and measures defined as data, checked whole before anything is written. The
/// field names in its refusals are those of the definition as sent (areas[1].code).
/// </summary>
internal sealed class CatalogueDefinitions(CatalogueRepository catalogue, ImportRepository imports, TimeProvider clock)
{
    /// <summary>
    /// Defines a force and its areas (created or updated); every area must name the force as its
    /// parent. Areas of the force the definition leaves out are retired, each as an undoable
    /// batch: out of lists and pages, their figures kept. <paramref name="subject"/> is who defines.
    /// The seed, loaded at every start, keeps what a force defined since (<paramref name="retireLeftOut"/> false).
    /// </summary>
    public async Task<DefinitionResult> DefineForceAsync(
        AreaDefinition force, IReadOnlyList<AreaDefinition> areas, DefinedFields fields, string subject, bool dryRun, CancellationToken cancellationToken,
        bool retireLeftOut = true)
    {
        var existing = await catalogue.GetAreasAsync(cancellationToken);
        var stored = existing.ToDictionary(a => a.Code, StringComparer.Ordinal);
        AreaDefinition Merged(AreaDefinition given) => stored.GetValueOrDefault(given.Code.Trim()) is { } before ? Merge(given, before, fields) : given;
        force = Merged(force);
        areas = [.. areas.Select(Merged)];
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

        var clash = checkedAreas.FirstOrDefault(a => existing.Any(e => e.Code == a.Code && e.ParentCode != checkedForce.Code));
        if (clash is not null)
        {
            throw new InvalidFieldException("areas", $"code '{clash.Code}' already belongs to another force");
        }

        var given = checkedAreas.Prepend(checkedForce).ToList();
        List<string> leftOut = retireLeftOut
            ? [.. existing.Where(a => a.ParentCode == checkedForce.Code && !a.Retired && !given.Any(g => g.Code == a.Code)).Select(a => a.Code)]
            : [];
        var result = await ResultAsync(
            given, a => a.Code, code => stored.GetValueOrDefault(code), ChangedFields, leftOut, dryRun, () => catalogue.UpsertAreasAsync(given, cancellationToken));
        if (!dryRun && leftOut.Count > 0)
        {
            // Leaving a line out of a file must not delete history: the area is retired, which an undo reverses.
            foreach (var code in leftOut)
            {
                var batch = new BatchDescription(ImportRepository.RetireKind, $"retire area '{code}': left out of a definition of {checkedForce.Code}", checkedForce.Code, subject, clock.GetUtcNow());
                await imports.RetireAsync(RetiredSubject.Area(code), batch, dryRun: false, clock, cancellationToken);
            }

            catalogue.Changed();
        }

        return result;
    }

    /// <summary>Defines measures (created or updated), all or none.</summary>
    public async Task<DefinitionResult> DefineMeasuresAsync(
        IReadOnlyList<MeasureDefinition> measures, DefinedFields fields, bool dryRun, CancellationToken cancellationToken)
    {
        if (measures.Count == 0)
        {
            throw InvalidFieldException.Required("measures");
        }

        var storedMeasures = (await catalogue.GetMeasuresAsync(cancellationToken)).ToDictionary(m => m.Id, StringComparer.Ordinal);
        var definitions = measures
            .Select(m => storedMeasures.GetValueOrDefault(m.Id.Trim()) is { } before ? Merge(m, before, fields) : m)
            .Select((m, i) => Check(m, $"measures[{i}]"))
            .ToList();
        var known = storedMeasures.Keys.Concat(definitions.Select(d => d.Id)).ToHashSet(StringComparer.Ordinal);
        foreach (var definition in definitions)
        {
            // Ids are compared exactly on every engine: 'Crime' beside 'crime' is two measures, and surely a mistake.
            var twin = known.FirstOrDefault(id => id != definition.Id && string.Equals(id, definition.Id, StringComparison.OrdinalIgnoreCase));
            if (twin is not null)
            {
                throw new InvalidFieldException("measures", $"id '{definition.Id}' differs from measure '{twin}' only in case; ids are compared exactly");
            }
        }

        var forces = (await catalogue.GetAreasAsync(cancellationToken)).Where(a => a.Kind == AreaKind.Force).Select(a => a.Code).ToHashSet(StringComparer.Ordinal);
        var stranger = definitions.FirstOrDefault(d => d.ForceCode is not null && !forces.Contains(d.ForceCode));
        if (stranger is not null)
        {
            throw new NotFoundException("force", stranger.ForceCode!);
        }

        var orphan = definitions.FirstOrDefault(d => d.PartOfMeasureId is not null && !known.Contains(d.PartOfMeasureId));
        if (orphan is not null)
        {
            throw new NotFoundException("measure", orphan.PartOfMeasureId!);
        }

        var partOf = storedMeasures.Values.ToDictionary(m => m.Id, m => m.PartOfMeasureId, StringComparer.Ordinal);
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

        return await ResultAsync(
            definitions, m => m.Id, id => storedMeasures.GetValueOrDefault(id), ChangedFields, [], dryRun, () => catalogue.UpsertMeasuresAsync(definitions, cancellationToken));
    }

    private static async Task<DefinitionResult> ResultAsync<T>(
        IReadOnlyList<T> given, Func<T, string> key, Func<string, T?> stored, Func<T, T, IReadOnlyList<string>> changedFields, IReadOnlyList<string> leftOut,
        bool dryRun, Func<Task<(int Created, int Updated)>> store)
        where T : class
    {
        var added = given.Where(g => stored(key(g)) is null).Select(key).ToList();
        var changed = given
            .Select(g => (Key: key(g), Fields: stored(key(g)) is { } before ? changedFields(before, g) : []))
            .Where(c => c.Fields.Count > 0)
            .ToList();
        var unchanged = given.Count - added.Count - changed.Count;
        var (created, updated) = dryRun ? (added.Count, given.Count - added.Count) : await store();
        return new DefinitionResult(created, updated, dryRun, added, changed, unchanged, leftOut);
    }

    /// <summary>The fields of an area a definition sets, as the protocol names them (a field mask's paths).</summary>
    public static readonly IReadOnlyList<string> AreaFields =
        ["code", "name", "kind", "parent_code", "population", "households", "population_vintage", "peers", "districts", "falls_within"];

    /// <summary>The fields of a measure a definition sets, as the protocol names them (a field mask's paths).</summary>
    public static readonly IReadOnlyList<string> MeasureFields =
    [
        "id", "name", "section", "topic", "unit", "polarity", "reporting_rule", "breakdown_kind", "rate_base", "part_of_measure_id", "description", "force_code",
    ];

    /// <summary>An area that exists, defined again: the fields the mask takes from the definition, the rest as stored.</summary>
    private static AreaDefinition Merge(AreaDefinition given, AreaDefinition stored, DefinedFields fields) => given with
    {
        Name = fields.Take("name", given.Name, stored.Name, given.Name.Length > 0),
        Kind = fields.Take("kind", given.Kind, stored.Kind, givenIsSet: true),
        Population = fields.Take("population", given.Population, stored.Population, given.Population is not null),
        Households = fields.Take("households", given.Households, stored.Households, given.Households is not null),
        PopulationVintage = fields.Take("population_vintage", given.PopulationVintage, stored.PopulationVintage, given.PopulationVintage.Length > 0),
        Peers = fields.Take("peers", given.Peers, stored.Peers, given.Peers.Count > 0),
        Districts = fields.Take("districts", given.Districts, stored.Districts, given.Districts.Count > 0),
        FallsWithin = fields.Take("falls_within", given.FallsWithin, stored.FallsWithin, given.FallsWithin.Count > 0),
    };

    /// <summary>A measure that exists, defined again: the fields the mask takes from the definition, the rest as stored.</summary>
    private static MeasureDefinition Merge(MeasureDefinition given, MeasureDefinition stored, DefinedFields fields) => given with
    {
        Name = fields.Take("name", given.Name, stored.Name, given.Name.Length > 0),
        Section = fields.Take("section", given.Section, stored.Section, given.Section.Length > 0),
        Topic = fields.Take("topic", given.Topic, stored.Topic, given.Topic.Length > 0),
        Unit = fields.Take("unit", given.Unit, stored.Unit, givenIsSet: true),
        Polarity = fields.Take("polarity", given.Polarity, stored.Polarity, givenIsSet: true),
        ReportingRule = fields.Take("reporting_rule", given.ReportingRule, stored.ReportingRule, givenIsSet: true),
        BreakdownKind = fields.Take("breakdown_kind", given.BreakdownKind, stored.BreakdownKind, given.BreakdownKind.Length > 0),
        RateBase = fields.Take("rate_base", given.RateBase, stored.RateBase, given.RateBase != RateBase.None),
        PartOfMeasureId = fields.Take("part_of_measure_id", given.PartOfMeasureId, stored.PartOfMeasureId, given.PartOfMeasureId is not null),
        Description = fields.Take("description", given.Description, stored.Description, given.Description.Length > 0),
        ForceCode = fields.Take("force_code", given.ForceCode, stored.ForceCode, given.ForceCode is not null),
    };

    /// <summary>The fields of an area that a definition changes, as the protocol names them.</summary>
    private static IReadOnlyList<string> ChangedFields(AreaDefinition before, AreaDefinition after) =>
    [
        .. Differs("name", before.Name, after.Name),
        .. Differs("kind", before.Kind, after.Kind),
        .. Differs("population", before.Population, after.Population),
        .. Differs("households", before.Households, after.Households),
        .. Differs("population_vintage", before.PopulationVintage, after.PopulationVintage),
        .. before.Peers.SequenceEqual(after.Peers) ? [] : new[] { "peers" },
        .. before.Districts.Order(StringComparer.Ordinal).SequenceEqual(after.Districts.Order(StringComparer.Ordinal)) ? [] : new[] { "districts" },
        .. before.FallsWithin.SequenceEqual(after.FallsWithin) ? [] : new[] { "falls_within" },
    ];

    /// <summary>The fields of a measure that a definition changes, as the protocol names them.</summary>
    private static IReadOnlyList<string> ChangedFields(MeasureDefinition before, MeasureDefinition after) =>
    [
        .. Differs("name", before.Name, after.Name),
        .. Differs("section", before.Section, after.Section),
        .. Differs("topic", before.Topic, after.Topic),
        .. Differs("unit", before.Unit, after.Unit),
        .. Differs("polarity", before.Polarity, after.Polarity),
        .. Differs("reporting_rule", before.ReportingRule, after.ReportingRule),
        .. Differs("breakdown_kind", before.BreakdownKind, after.BreakdownKind),
        .. Differs("rate_base", before.RateBase, after.RateBase),
        .. Differs("part_of_measure_id", before.PartOfMeasureId, after.PartOfMeasureId),
        .. Differs("description", before.Description, after.Description),
        .. Differs("force_code", before.ForceCode, after.ForceCode),
    ];

    private static string[] Differs<T>(string field, T before, T after) => EqualityComparer<T>.Default.Equals(before, after) ? [] : [field];

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
            FallsWithin = area.FallsWithin.Count > 0 && expectedParent is not null
                ? throw new InvalidFieldException($"{field}.falls_within", "only a force is filed under a police.uk \"Falls within\" name")
                : Names(area.FallsWithin, $"{field}.falls_within"),
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
        ForceCode = string.IsNullOrEmpty(m.ForceCode) ? null : Validate.Key(m.ForceCode, $"{field}.force_code"),
        Description = Validate.Text(m.Description, $"{field}.description", StoredText.DescriptionLength),
    };
}
