using System.Globalization;
using CsvHelper;
using Metrics.Contracts.V1;

namespace Metrics.Console.Imports;

/// <summary>
/// Definitions as files, in the shapes of the server's own seed (src/Metrics.Server/Seed/):
/// measures.csv (id, name, section, topic, unit, polarity, reporting_rule, breakdown_kind,
/// rate_base, part_of, description, and optionally force: the force whose own measure it is) and a force's areas.csv (code, name, kind, parent_code,
/// population, households, population_vintage, districts, peers, falls_within; lists split by
/// ";"; the force is the row without a parent). Kinds and units are written in words, as in the
/// seed: local_policing_area, up_is_good, quarter_unless_exceptional.
/// </summary>
public static class DefinitionCsv
{
    /// <summary>The measures file's columns as the fields of Measure they set.</summary>
    private static readonly (string Column, string Field)[] MeasureColumns =
    [
        ("id", "id"), ("name", "name"), ("section", "section"), ("topic", "topic"), ("unit", "unit"), ("polarity", "polarity"),
        ("reporting_rule", "reporting_rule"), ("breakdown_kind", "breakdown_kind"), ("rate_base", "rate_base"), ("part_of", "part_of_measure_id"),
        ("description", "description"), ("force", "force_code"),
    ];

    /// <summary>The areas file's columns, named as the fields of Area they set.</summary>
    private static readonly string[] AreaColumns =
        ["code", "name", "kind", "parent_code", "population", "households", "population_vintage", "districts", "peers", "falls_within"];

    /// <summary>
    /// The measures, with an update mask of the columns the file has: an empty cell clears what
    /// is stored, and a column the file leaves out is left as stored.
    /// </summary>
    public static DefineMeasuresRequest ReadMeasures(string path)
    {
        using var csv = CsvFiles.Open(path);
        var request = new DefineMeasuresRequest { UpdateMask = new() };
        var measures = request.Measures;
        while (CsvFiles.Next(csv, path))
        {
            if (measures.Count == 0)
            {
                request.UpdateMask.Paths.Add(MeasureColumns.Where(c => csv.TryGetFieldIndex(c.Column, out _)).Select(c => c.Field));
            }

            measures.Add(new Measure
            {
                Id = csv.GetString("id").Trim(),
                Name = csv.GetString("name").Trim(),
                Section = Optional(csv, "section"),
                Topic = Optional(csv, "topic"),
                Unit = Word<Unit>(csv, path, "unit"),
                Polarity = Word<Polarity>(csv, path, "polarity"),
                ReportingRule = Word<ReportingRule>(csv, path, "reporting_rule"),
                BreakdownKind = Optional(csv, "breakdown_kind"),
                RateBase = Optional(csv, "rate_base").Length == 0 ? RateBase.None : Word<RateBase>(csv, path, "rate_base"),
                PartOfMeasureId = Optional(csv, "part_of"),
                Description = Optional(csv, "description"),
                ForceCode = Optional(csv, "force"),
            });
        }

        return request;
    }

    /// <summary>The force (the row with no parent) and its areas, with an update mask of the file's columns (as for measures).</summary>
    public static DefineForceRequest ReadForce(string path)
    {
        using var csv = CsvFiles.Open(path);
        var request = new DefineForceRequest { UpdateMask = new() };
        while (CsvFiles.Next(csv, path))
        {
            if (request.UpdateMask.Paths.Count == 0)
            {
                request.UpdateMask.Paths.Add(AreaColumns.Where(c => csv.TryGetFieldIndex(c, out _)));
            }

            var area = new Area
            {
                Code = csv.GetString("code").Trim(),
                Name = csv.GetString("name").Trim(),
                Kind = Word<AreaKind>(csv, path, "kind"),
                ParentCode = Optional(csv, "parent_code"),
                PopulationVintage = Optional(csv, "population_vintage"),
            };
            if (Whole(csv, path, "population") is { } population)
            {
                area.Population = population;
            }

            if (Whole(csv, path, "households") is { } households)
            {
                area.Households = households;
            }

            area.Districts.Add(List(csv, "districts"));
            area.Peers.Add(List(csv, "peers"));
            area.FallsWithin.Add(List(csv, "falls_within"));
            if (area.ParentCode.Length == 0)
            {
                request.Force = request.Force is null ? area : throw new InvalidDataException($"{Path.GetFileName(path)} line {csv.LineNumber}: a second row with no parent_code; the force is the one row without a parent");
            }
            else
            {
                request.Areas.Add(area);
            }
        }

        return request.Force is null
            ? throw new InvalidDataException($"{Path.GetFileName(path)} has no row without a parent_code: the force")
            : request;
    }

    /// <summary>A report template (section, topic, measure_id, breakdown, noun, inclusion): the topics in the order printed.</summary>
    public static DefineReportTemplateRequest ReadTemplate(string path)
    {
        using var csv = CsvFiles.Open(path);
        var request = new DefineReportTemplateRequest();
        while (CsvFiles.Next(csv, path))
        {
            request.Topics.Add(new ReportTopic
            {
                Section = Optional(csv, "section"),
                Topic = Optional(csv, "topic"),
                MeasureId = Optional(csv, "measure_id"),
                Breakdown = Optional(csv, "breakdown"),
                Noun = Optional(csv, "noun"),
                Inclusion = Optional(csv, "inclusion").Length == 0 ? ReportingRule.Unspecified : Word<ReportingRule>(csv, path, "inclusion"),
            });
        }

        return request;
    }

    /// <summary>An enum value written as a word ("local_policing_area"), or an error naming the line and the words allowed.</summary>
    private static T Word<T>(CsvReader csv, string path, string column)
        where T : struct, Enum
    {
        var text = Optional(csv, column);
        var pascal = string.Concat(text.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant()));
        if (pascal.Length > 0 && Enum.TryParse<T>(pascal, ignoreCase: false, out var value) && Convert.ToInt32(value, CultureInfo.InvariantCulture) != 0)
        {
            return value;
        }

        var words = Enum.GetNames<T>().Skip(1).Select(n => string.Concat(n.Select((c, i) => char.IsUpper(c) && i > 0 ? $"_{char.ToLowerInvariant(c)}" : $"{char.ToLowerInvariant(c)}")));
        throw new InvalidDataException($"{Path.GetFileName(path)} line {csv.LineNumber}: {column} '{text}' is not one of {string.Join(", ", words)}");
    }

    private static long? Whole(CsvReader csv, string path, string column)
    {
        var text = Optional(csv, column);
        return text.Length == 0 ? null
            : long.TryParse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value) ? value
            : throw new InvalidDataException($"{Path.GetFileName(path)} line {csv.LineNumber}: {column} '{text}' is not a whole number");
    }

    private static IEnumerable<string> List(CsvReader csv, string column) =>
        Optional(csv, column).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The column's text, or empty when the file has no such column.</summary>
    private static string Optional(CsvReader csv, string column) =>
        csv.TryGetFieldIndex(column, out var index) ? csv.GetString(index).Trim() : "";
}
