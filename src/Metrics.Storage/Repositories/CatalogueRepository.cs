using System.Data.Common;
using Dapper;
using Metrics.Domain.Catalogue;
using Metrics.Storage.Engines;

namespace Metrics.Storage.Repositories;

/// <summary>The measure catalogue and the areas, as data.</summary>
public sealed class CatalogueRepository(Database database)
{
    public const string SelectMeasures = """
        SELECT id, name, section, topic, unit, polarity, reporting_rule, breakdown_kind, rate_base, part_of_measure_id, description
        FROM measure
        ORDER BY sort_order, id;
        """;

    public const string UpdateMeasure = """
        UPDATE measure
        SET name = @Name, section = @Section, topic = @Topic, unit = @Unit, polarity = @Polarity,
            reporting_rule = @ReportingRule, breakdown_kind = @BreakdownKind, rate_base = @RateBase,
            part_of_measure_id = @PartOfMeasureId, description = @Description
        WHERE id = @Id;
        """;

    public const string InsertMeasure = """
        INSERT INTO measure (id, name, section, topic, unit, polarity, reporting_rule, breakdown_kind, rate_base, part_of_measure_id, description, sort_order)
        SELECT @Id, @Name, @Section, @Topic, @Unit, @Polarity, @ReportingRule, @BreakdownKind, @RateBase, @PartOfMeasureId, @Description,
               COALESCE(MAX(sort_order), 0) + 1
        FROM measure;
        """;

    public const string SelectAreas = """
        SELECT code, name, kind, parent_code, population, households, population_vintage
        FROM area
        ORDER BY sort_order, code;
        """;

    public const string SelectPeers = "SELECT area_code, peer_name FROM area_peer ORDER BY area_code, sort_order;";

    public const string SelectDistricts = "SELECT area_code, district FROM area_district ORDER BY area_code, district;";

    public const string UpdateArea = """
        UPDATE area
        SET name = @Name, kind = @Kind, parent_code = @ParentCode, population = @Population,
            households = @Households, population_vintage = @PopulationVintage
        WHERE code = @Code;
        """;

    public const string InsertArea = """
        INSERT INTO area (code, name, kind, parent_code, population, households, population_vintage, sort_order)
        SELECT @Code, @Name, @Kind, @ParentCode, @Population, @Households, @PopulationVintage, COALESCE(MAX(sort_order), 0) + 1
        FROM area;
        """;

    public const string DeletePeers = "DELETE FROM area_peer WHERE area_code = @Code;";

    public const string InsertPeer = "INSERT INTO area_peer (area_code, peer_name, sort_order) VALUES (@AreaCode, @PeerName, @SortOrder);";

    public const string DeleteDistricts = "DELETE FROM area_district WHERE area_code = @Code;";

    public const string InsertDistrict = "INSERT INTO area_district (area_code, district) VALUES (@AreaCode, @District);";

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

    /// <summary>Adds or updates measures, all or none. Returns (created, updated).</summary>
    public async Task<(int Created, int Updated)> UpsertMeasuresAsync(IEnumerable<MeasureDefinition> measures, CancellationToken cancellationToken)
    {
        var rows = measures.Select(MeasureRow.From).ToList();
        var counts = await database.InTransactionAsync(
            async (connection, transaction) =>
            {
                int created = 0, updated = 0;
                foreach (var row in rows)
                {
                    if (await connection.ExecuteAsync(Command(UpdateMeasure, row, cancellationToken, transaction)) > 0)
                    {
                        updated++;
                    }
                    else
                    {
                        await connection.ExecuteAsync(Command(InsertMeasure, row, cancellationToken, transaction));
                        created++;
                    }
                }

                return (created, updated);
            },
            cancellationToken);
        Volatile.Write(ref _measures, null);
        return counts;
    }

    /// <summary>Adds or updates areas (parents before children), all or none. Returns (created, updated).</summary>
    public async Task<(int Created, int Updated)> UpsertAreasAsync(IEnumerable<AreaDefinition> areas, CancellationToken cancellationToken)
    {
        var rows = areas.Select(area => (
            Area: AreaRow.From(area),
            Peers: area.Peers.Select((p, i) => new { AreaCode = area.Code, PeerName = StoredText.Label(p, "area.peers", StoredText.NameLength), SortOrder = i }).ToList(),
            Districts: area.Districts.Distinct(StringComparer.OrdinalIgnoreCase)
                .Select(d => new { AreaCode = area.Code, District = StoredText.Label(d, "area.districts", StoredText.NameLength) }).ToList())).ToList();
        var counts = await database.InTransactionAsync(
            async (connection, transaction) =>
            {
                int created = 0, updated = 0;
                foreach (var (area, peers, districts) in rows)
                {
                    if (await connection.ExecuteAsync(Command(UpdateArea, area, cancellationToken, transaction)) > 0)
                    {
                        updated++;
                    }
                    else
                    {
                        await connection.ExecuteAsync(Command(InsertArea, area, cancellationToken, transaction));
                        created++;
                    }

                    await connection.ExecuteAsync(Command(DeletePeers, new { area.Code }, cancellationToken, transaction));
                    await connection.ExecuteAsync(Command(InsertPeer, peers, cancellationToken, transaction));
                    await connection.ExecuteAsync(Command(DeleteDistricts, new { area.Code }, cancellationToken, transaction));
                    await connection.ExecuteAsync(Command(InsertDistrict, districts, cancellationToken, transaction));
                }

                return (created, updated);
            },
            cancellationToken);
        Volatile.Write(ref _areas, null);
        return counts;
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
        };

        public MeasureDefinition ToDefinition() => new(
            Id, Name, Section, Topic, (MeasureUnit)Unit, (Domain.Catalogue.Polarity)Polarity, (Domain.Catalogue.ReportingRule)ReportingRule,
            BreakdownKind, (Domain.Catalogue.RateBase)RateBase, PartOfMeasureId, Description);
    }

    private sealed class AreaRow
    {
        public string Code { get; set; } = "";
        public string Name { get; set; } = "";
        public long Kind { get; set; }
        public string? ParentCode { get; set; }
        public long? Population { get; set; }
        public long? Households { get; set; }
        public string PopulationVintage { get; set; } = "";

        public static AreaRow From(AreaDefinition a) => new()
        {
            Code = StoredText.Key(a.Code, "area.code"),
            Name = StoredText.Text(a.Name, "area.name", StoredText.NameLength),
            Kind = (long)a.Kind,
            ParentCode = string.IsNullOrEmpty(a.ParentCode) ? null : StoredText.Key(a.ParentCode, "area.parent_code"),
            Population = a.Population,
            Households = a.Households,
            PopulationVintage = StoredText.Text(a.PopulationVintage, "area.population_vintage", StoredText.NameLength),
        };

        public AreaDefinition ToDefinition(IReadOnlyList<string> peers, IReadOnlyList<string> districts) => new(
            Code, Name, (AreaKind)Kind, ParentCode, Population, Households, PopulationVintage, peers, districts);
    }
}
