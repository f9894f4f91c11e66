using System.Globalization;
using CsvHelper;
using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Comparisons;
using Metrics.Domain.Observations;
using Metrics.Server.Imports;

namespace Metrics.Server.Seeding;

/// <summary>
/// The seed data files: the measure catalogue, each force's areas, and figures from the
/// force's published reports, as CSV. Read into the domain's definitions and import lines,
/// stored through the same checks and paths as any other definition or import.
/// </summary>
internal static class SeedFiles
{
    public const string MeasuresFile = "measures.csv";
    public const string AreasFile = "areas.csv";
    public const string ForcesFolder = "forces";

    /// <summary>A force's report template (section, topic, measure_id, breakdown, noun, inclusion), beside its areas.</summary>
    public const string TemplateFile = "report-template.csv";

    /// <summary>A force's published figures (published-*.csv: measure_id, area, month, statistic, value).</summary>
    public const string PublishedPattern = "published-*.csv";

    public static IReadOnlyList<PublishedFigure> ReadPublished(string path)
    {
        using var csv = Open(path);
        var figures = new List<PublishedFigure>();
        while (csv.Read())
        {
            figures.Add(new PublishedFigure(
                csv.GetString("measure_id"),
                csv.GetString("area"),
                YearMonth.TryParse(csv.GetString("month"), out var month) ? month : throw new FormatException($"{path} line {csv.LineNumber}: month '{csv.GetString("month")}' is not yyyy-MM"),
                ParseEnum<PublishedStatistic>(csv.GetString("statistic")),
                double.Parse(csv.GetString("value"), NumberStyles.Float, CultureInfo.InvariantCulture)));
        }

        return figures;
    }

    /// <summary>A report template's topics, in the order printed: the console's `metrics define template` reads the same shape.</summary>
    public static IReadOnlyList<ReportTopicDefinition> ReadTemplate(string path)
    {
        using var csv = Open(path);
        var topics = new List<ReportTopicDefinition>();
        while (csv.Read())
        {
            topics.Add(new ReportTopicDefinition(
                csv.GetString("section"),
                csv.GetString("topic"),
                csv.GetString("measure_id"),
                csv.GetString("breakdown"),
                csv.GetString("noun"),
                csv.GetString("inclusion") is { Length: > 0 } inclusion ? ParseEnum<ReportingRule>(inclusion) : null));
        }

        return topics;
    }

    public static IReadOnlyList<MeasureDefinition> ReadMeasures(string path)
    {
        using var csv = Open(path);
        var measures = new List<MeasureDefinition>();
        while (csv.Read())
        {
            measures.Add(new MeasureDefinition(
                csv.GetString("id"),
                csv.GetString("name"),
                csv.GetString("section"),
                csv.GetString("topic"),
                ParseEnum<MeasureUnit>(csv.GetString("unit")),
                ParseEnum<Polarity>(csv.GetString("polarity")),
                ParseEnum<ReportingRule>(csv.GetString("reporting_rule")),
                csv.GetString("breakdown_kind"),
                ParseEnum<RateBase>(csv.GetString("rate_base")),
                csv.GetString("part_of") is { Length: > 0 } partOf ? partOf : null,
                csv.GetString("description"))
            {
                ForceCode = csv.TryGetFieldIndex("force", out var force) && csv.GetString(force) is { Length: > 0 } code ? code : null,
            });
        }

        return measures;
    }

    /// <summary>The force (the row without a parent) and its areas.</summary>
    public static (AreaDefinition Force, IReadOnlyList<AreaDefinition> Areas) ReadForce(string path)
    {
        using var csv = Open(path);
        AreaDefinition? force = null;
        var areas = new List<AreaDefinition>();
        while (csv.Read())
        {
            var area = new AreaDefinition(
                csv.GetString("code"),
                csv.GetString("name"),
                ParseEnum<AreaKind>(csv.GetString("kind")),
                csv.GetString("parent_code") is { Length: > 0 } parent ? parent : null,
                Number(csv.GetString("population")) is { } population ? (long)population : null,
                Number(csv.GetString("households")) is { } households ? (long)households : null,
                csv.GetString("population_vintage"),
                [.. SplitList(csv.GetString("peers"))],
                [.. SplitList(csv.GetString("districts"))])
            {
                FallsWithin = csv.TryGetFieldIndex("falls_within", out var fallsWithin) ? [.. SplitList(csv.GetString(fallsWithin))] : [],
            };
            if (area.ParentCode is null)
            {
                force = area;
            }
            else
            {
                areas.Add(area);
            }
        }

        return (force ?? throw new InvalidDataException($"{path} has no row without a parent: the force"), areas);
    }

    /// <summary>Figures as import lines, each with its line in the file.</summary>
    public static IEnumerable<ImportLine<FigureRow>> ReadObservations(string path)
    {
        using var csv = Open(path);
        while (csv.Read())
        {
            if (!YearMonth.TryParse(csv.GetString("month"), out var month))
            {
                yield return new(csv.LineNumber, null, new RowProblem(csv.LineNumber, "month", $"month '{csv.GetString("month")}' is not a month: write it 2019-03"));
                continue;
            }

            yield return new(csv.LineNumber, new FigureRow(
                csv.GetString("measure_id"),
                csv.GetString("area"),
                month,
                (int)(Number(csv.GetString("months")) ?? 1),
                Breakdowns.Split(csv.GetString("breakdown")),
                Number(csv.GetString("value")),
                Number(csv.GetString("numerator")),
                Number(csv.GetString("denominator"))), null);
        }
    }

    private static CsvReader Open(string path) =>
        CsvReader.FromFile(path, new CsvReaderOptions { TrackLineNumbers = true });

    private static double? Number(string text) =>
        string.IsNullOrWhiteSpace(text) ? null : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static IEnumerable<string> SplitList(string text) =>
        text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Seed files say "up_is_good"; the domain's names are UpIsGood.</summary>
    private static T ParseEnum<T>(string text)
        where T : struct, Enum
    {
        var name = string.Concat(text.Trim().Split('_').Select(word => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..]));
        return Enum.TryParse<T>(name, ignoreCase: false, out var value) && Enum.IsDefined(value)
            ? value
            : throw new FormatException($"'{text}' is not a {typeof(T).Name}");
    }
}
