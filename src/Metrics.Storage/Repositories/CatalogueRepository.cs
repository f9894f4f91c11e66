using System.Data.Common;
using Dapper;
using Metrics.Domain.Catalogue;
using Metrics.Storage.Engines;

namespace Metrics.Storage.Repositories;

/// <summary>The measure catalogue and the areas, as data.</summary>
public sealed class CatalogueRepository(Database database)
{
    public const string SelectMeasures = """
        SELECT id, name, section, topic, unit, polarity, reporting_rule, breakdown_kind, rate_base, part_of_measure_id, description, force_code, retired_by_import_id
        FROM measure
        ORDER BY sort_order, id;
        """;

    public const string SelectAreas = """
        SELECT code, name, kind, parent_code, population, households, population_vintage, falls_within, retired_by_import_id
        FROM area
        ORDER BY sort_order, code;
        """;

    public const string SelectMeasureIds = "SELECT id FROM measure;";

    public const string SelectAreaCodes = "SELECT code FROM area;";

    public const string SelectPeers = "SELECT area_code, peer_name FROM area_peer ORDER BY area_code, sort_order;";

    public const string SelectDistricts = "SELECT area_code, district FROM area_district ORDER BY area_code, district;";

    /// <summary>
    /// Every call reads the catalogue, and it changes rarely: it is kept for a few seconds, and
    /// dropped at once when this process writes it. Another process's writes show within <see cref="CacheFor"/>.
    /// </summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private Cached<IReadOnlyList<MeasureDefinition>>? _measures;
    private Cached<IReadOnlyList<AreaDefinition>>? _areas;

    public async Task<IReadOnlyList<MeasureDefinition>> GetMeasuresAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _measures) is { IsFresh: true } cached)
        {
            return cached.Value;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<MeasureRow>(Command(SelectMeasures, null, cancellationToken));
        IReadOnlyList<MeasureDefinition> measures = [.. rows.Select(r => r.ToDefinition())];
        Volatile.Write(ref _measures, new Cached<IReadOnlyList<MeasureDefinition>>(measures));
        return measures;
    }

    public async Task<IReadOnlyList<AreaDefinition>> GetAreasAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _areas) is { IsFresh: true } cached)
        {
            return cached.Value;
        }

        var areas = await ReadAreasAsync(cancellationToken);
        Volatile.Write(ref _areas, new Cached<IReadOnlyList<AreaDefinition>>(areas));
        return areas;
    }

    private async Task<IReadOnlyList<AreaDefinition>> ReadAreasAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var areas = await connection.QueryAsync<AreaRow>(Command(SelectAreas, null, cancellationToken));
        var peers = (await connection.QueryAsync<(string AreaCode, string PeerName)>(Command(SelectPeers, null, cancellationToken)))
            .ToLookup(p => p.AreaCode, p => p.PeerName);
        var districts = (await connection.QueryAsync<(string AreaCode, string District)>(Command(SelectDistricts, null, cancellationToken)))
            .ToLookup(d => d.AreaCode, d => d.District);
        return [.. areas.Select(a => a.ToDefinition(peers[a.Code].ToList(), districts[a.Code].ToList()))];
    }

    /// <summary>Forgets the cached measures and areas: another repository changed them (a retirement).</summary>
    public void Changed()
    {
        Volatile.Write(ref _measures, null);
        Volatile.Write(ref _areas, null);
    }

    /// <summary>Adds or updates measures, all or none, in two statements whatever their number. Returns (created, updated).</summary>
    public async Task<(int Created, int Updated)> UpsertMeasuresAsync(IEnumerable<MeasureDefinition> measures, CancellationToken cancellationToken)
    {
        var rows = Distinct(measures.Select(MeasureRow.From).ToList(), r => r.Id, "measure.id");
        var json = JsonRows.Write(rows, static (json, m) => m.WriteTo(json));
        var counts = await database.InTransactionAsync(
            async (connection, transaction) =>
            {
                var stored = (await connection.QueryAsync<string>(Command(SelectMeasureIds, null, cancellationToken, transaction))).ToHashSet(StringComparer.Ordinal);
                await connection.ExecuteAsync(Command(database.Dialect.UpdateMeasures, new { Rows = json }, cancellationToken, transaction));
                await connection.ExecuteAsync(Command(database.Dialect.InsertMeasures, new { Rows = json }, cancellationToken, transaction));
                var updated = rows.Count(r => stored.Contains(r.Id));
                return (rows.Count - updated, updated);
            },
            cancellationToken);
        Volatile.Write(ref _measures, null);
        return counts;
    }

    /// <summary>
    /// Adds or updates areas with their peers and districts, all or none, in a few statements
    /// whatever their number (a child may come in the same call as its parent). Returns (created, updated).
    /// </summary>
    public async Task<(int Created, int Updated)> UpsertAreasAsync(IEnumerable<AreaDefinition> areas, CancellationToken cancellationToken)
    {
        var given = areas.ToList();
        var rows = Distinct(given.Select(AreaRow.From).ToList(), r => r.Code, "area.code");
        var areasJson = JsonRows.Write(rows, static (json, a) => a.WriteTo(json));
        var codes = JsonRows.WriteValues(rows.Select(r => r.Code));
        var peers = JsonRows.Write(
            given.SelectMany(a => a.Peers.Select((p, i) => (a.Code, Peer: StoredText.Label(p, "area.peers", StoredText.NameLength), Order: i))),
            static (json, p) =>
            {
                json.WriteStringValue(p.Code);
                json.WriteStringValue(p.Peer);
                json.WriteNumberValue(p.Order);
            });
        var districts = JsonRows.Write(
            given.SelectMany(a => a.Districts.Distinct(StringComparer.OrdinalIgnoreCase).Select(d => (a.Code, District: StoredText.Label(d, "area.districts", StoredText.NameLength)))),
            static (json, d) =>
            {
                json.WriteStringValue(d.Code);
                json.WriteStringValue(d.District);
            });
        var counts = await database.InTransactionAsync(
            async (connection, transaction) =>
            {
                var stored = (await connection.QueryAsync<string>(Command(SelectAreaCodes, null, cancellationToken, transaction))).ToHashSet(StringComparer.Ordinal);
                await connection.ExecuteAsync(Command(database.Dialect.UpdateAreas, new { Rows = areasJson }, cancellationToken, transaction));
                await connection.ExecuteAsync(Command(database.Dialect.InsertAreas, new { Rows = areasJson }, cancellationToken, transaction));
                await connection.ExecuteAsync(Command(database.Dialect.ReplacePeers, new { Codes = codes, Rows = peers }, cancellationToken, transaction));
                await connection.ExecuteAsync(Command(database.Dialect.ReplaceDistricts, new { Codes = codes, Rows = districts }, cancellationToken, transaction));
                var updated = rows.Count(r => stored.Contains(r.Code));
                return (rows.Count - updated, updated);
            },
            cancellationToken);
        Volatile.Write(ref _areas, null);
        return counts;
    }

    /// <summary>Each id once in a call: the rows are written together, so a second would be ambiguous.</summary>
    private static List<T> Distinct<T>(List<T> rows, Func<T, string> id, string column)
    {
        var twice = rows.GroupBy(id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return twice is null ? rows : throw new StoreRefusedException($"{column} '{StoredText.Quote(twice.Key)}' is given more than once");
    }

    private CommandDefinition Command(string sql, object? parameters, CancellationToken cancellationToken, DbTransaction? transaction = null) =>
        new(sql, parameters, transaction, database.CommandTimeoutSeconds, cancellationToken: cancellationToken);

    private sealed record Cached<T>(T Value)
    {
        private readonly long _readAt = Environment.TickCount64;

        public bool IsFresh => Environment.TickCount64 - _readAt < CacheFor.TotalMilliseconds;
    }

    private sealed class MeasureRow
    {
        public string Id { get; set; } = "";
        public string Name { get; set; } = "";
        public string Section { get; set; } = "";
        public string Topic { get; set; } = "";
        public long Unit { get; set; }
        public long Polarity { get; set; }
        public long ReportingRule { get; set; }
        public string BreakdownKind { get; set; } = "";
        public long RateBase { get; set; }
        public string? PartOfMeasureId { get; set; }
        public string Description { get; set; } = "";
        public string? ForceCode { get; set; }
        public long? RetiredByImportId { get; set; }

        public static MeasureRow From(MeasureDefinition m) => new()
        {
            Id = StoredText.Key(m.Id, "measure.id"),
            Name = StoredText.Text(m.Name, "measure.name", StoredText.NameLength),
            Section = StoredText.Text(m.Section, "measure.section", StoredText.NameLength),
            Topic = StoredText.Text(m.Topic, "measure.topic", StoredText.NameLength),
            Unit = (long)m.Unit,
            Polarity = (long)m.Polarity,
            ReportingRule = (long)m.ReportingRule,
            BreakdownKind = StoredText.Text(m.BreakdownKind, "measure.breakdown_kind", StoredText.BreakdownKindLength),
            RateBase = (long)m.RateBase,
            PartOfMeasureId = string.IsNullOrEmpty(m.PartOfMeasureId) ? null : StoredText.Key(m.PartOfMeasureId, "measure.part_of_measure_id"),
            Description = StoredText.Text(m.Description, "measure.description", StoredText.DescriptionLength),
            ForceCode = StoredText.OptionalKey(m.ForceCode, "measure.force_code") is { Length: > 0 } force ? force : null,
        };

        /// <summary>The row as <see cref="SqlDialect.UpdateMeasures"/> reads it.</summary>
        public void WriteTo(System.Text.Json.Utf8JsonWriter json)
        {
            json.WriteStringValue(Id);
            json.WriteStringValue(Name);
            json.WriteStringValue(Section);
            json.WriteStringValue(Topic);
            json.WriteNumberValue(Unit);
            json.WriteNumberValue(Polarity);
            json.WriteNumberValue(ReportingRule);
            json.WriteStringValue(BreakdownKind);
            json.WriteNumberValue(RateBase);
            json.WriteStringValue(PartOfMeasureId);
            json.WriteStringValue(Description);
            json.WriteStringValue(ForceCode);
        }

        public MeasureDefinition ToDefinition() => new(
            Id, Name, Section, Topic, (MeasureUnit)Unit, (Domain.Catalogue.Polarity)Polarity, (Domain.Catalogue.ReportingRule)ReportingRule,
            BreakdownKind, (Domain.Catalogue.RateBase)RateBase, PartOfMeasureId, Description)
        {
            ForceCode = ForceCode,
            Retired = RetiredByImportId is not null,
        };
    }

    private const string FallsWithinSeparator = ";";

    private sealed class AreaRow
    {
        public string Code { get; set; } = "";
        public string Name { get; set; } = "";
        public long Kind { get; set; }
        public string? ParentCode { get; set; }
        public long? Population { get; set; }
        public long? Households { get; set; }
        public string PopulationVintage { get; set; } = "";
        public string FallsWithin { get; set; } = "";
        public long? RetiredByImportId { get; set; }

        public static AreaRow From(AreaDefinition a) => new()
        {
            Code = StoredText.Key(a.Code, "area.code"),
            Name = StoredText.Text(a.Name, "area.name", StoredText.NameLength),
            Kind = (long)a.Kind,
            ParentCode = string.IsNullOrEmpty(a.ParentCode) ? null : StoredText.Key(a.ParentCode, "area.parent_code"),
            Population = a.Population,
            Households = a.Households,
            PopulationVintage = StoredText.Text(a.PopulationVintage, "area.population_vintage", StoredText.NameLength),
            FallsWithin = StoredText.Text(
                string.Join(FallsWithinSeparator, a.FallsWithin.Select(n => n.Contains(FallsWithinSeparator, StringComparison.Ordinal)
                    ? throw new StoreRefusedException($"area.falls_within '{n}' holds '{FallsWithinSeparator}', which separates the names")
                    : StoredText.Label(n, "area.falls_within", StoredText.NameLength))),
                "area.falls_within",
                StoredText.SourceLength),
        };

        /// <summary>The row as <see cref="SqlDialect.UpdateAreas"/> reads it.</summary>
        public void WriteTo(System.Text.Json.Utf8JsonWriter json)
        {
            json.WriteStringValue(Code);
            json.WriteStringValue(Name);
            json.WriteNumberValue(Kind);
            json.WriteStringValue(ParentCode);
            json.WriteNumberOrNull(Population);
            json.WriteNumberOrNull(Households);
            json.WriteStringValue(PopulationVintage);
            json.WriteStringValue(FallsWithin);
        }

        public AreaDefinition ToDefinition(IReadOnlyList<string> peers, IReadOnlyList<string> districts) => new(
            Code, Name, (AreaKind)Kind, ParentCode, Population, Households, PopulationVintage, peers, districts)
        {
            FallsWithin = FallsWithin.Length == 0 ? [] : FallsWithin.Split(FallsWithinSeparator),
            Retired = RetiredByImportId is not null,
        };
    }
}
