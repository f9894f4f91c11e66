using System.Globalization;
using CsvHelper;
using Metrics.Domain.Calendar;
using Metrics.Domain.Observations;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Seeding;

/// <summary>
/// The seed data files: the measure catalogue, each force's areas, and figures from the
/// force's published reports, as CSV. Read into protocol messages so that they are stored
/// through the same paths as any other definition or import.
/// </summary>
internal static class SeedFiles
{
    public const string MeasuresFile = "measures.csv";
    public const string AreasFile = "areas.csv";
    public const string ForcesFolder = "forces";

    public static IEnumerable<V1.Measure> ReadMeasures(string path)
    {
        using var csv = Open(path);
        var measures = new List<V1.Measure>();
        while (csv.Read())
        {
            measures.Add(new V1.Measure
            {
                Id = csv.GetString("id"),
                Name = csv.GetString("name"),
                Section = csv.GetString("section"),
                Topic = csv.GetString("topic"),
                Unit = ParseEnum<V1.Unit>("UNIT_", csv.GetString("unit")),
                Polarity = ParseEnum<V1.Polarity>("POLARITY_", csv.GetString("polarity")),
                ReportingRule = ParseEnum<V1.ReportingRule>("REPORTING_RULE_", csv.GetString("reporting_rule")),
                BreakdownKind = csv.GetString("breakdown_kind"),
                RateBase = ParseEnum<V1.RateBase>("RATE_BASE_", csv.GetString("rate_base")),
                PartOfMeasureId = csv.GetString("part_of"),
                Description = csv.GetString("description"),
            });
        }

        return measures;
    }

    /// <summary>The force (the row without a parent) and its areas.</summary>
    public static V1.DefineForceRequest ReadForce(string path)
    {
        using var csv = Open(path);
        var request = new V1.DefineForceRequest();
        while (csv.Read())
        {
            var area = new V1.Area
            {
                Code = csv.GetString("code"),
                Name = csv.GetString("name"),
                Kind = ParseEnum<V1.AreaKind>("AREA_KIND_", csv.GetString("kind")),
                ParentCode = csv.GetString("parent_code"),
                PopulationVintage = csv.GetString("population_vintage"),
            };
            if (Number(csv.GetString("population")) is { } population)
            {
                area.Population = (long)population;
            }

            if (Number(csv.GetString("households")) is { } households)
            {
                area.Households = (long)households;
            }

            area.Districts.Add(SplitList(csv.GetString("districts")));
            area.Peers.Add(SplitList(csv.GetString("peers")));
            if (string.IsNullOrEmpty(area.ParentCode))
            {
                request.Force = area;
            }
            else
            {
                request.Areas.Add(area);
            }
        }

        return request;
    }

    /// <summary>Figures as import rows, each with its line in the file.</summary>
    public static IEnumerable<V1.ObservationRow> ReadObservations(string path)
    {
        using var csv = Open(path);
        while (csv.Read())
        {
            var row = new V1.ObservationRow
            {
                LineNumber = csv.LineNumber,
                MeasureId = csv.GetString("measure_id"),
                Area = csv.GetString("area"),
                Months = (int)(Number(csv.GetString("months")) ?? 1),
                Month = YearMonth.TryParse(csv.GetString("month"), out var month) ? new V1.YearMonth { Year = month.Year, Month = month.Month } : null,
            };
            row.BreakdownPath.Add(Breakdowns.Split(csv.GetString("breakdown")));
            if (Number(csv.GetString("value")) is { } value)
            {
                row.Value = value;
            }

            if (Number(csv.GetString("numerator")) is { } numerator)
            {
                row.Numerator = numerator;
            }

            if (Number(csv.GetString("denominator")) is { } denominator)
            {
                row.Denominator = denominator;
            }

            yield return row;
        }
    }

    private static CsvReader Open(string path) =>
        CsvReader.FromFile(path, new CsvReaderOptions { TrackLineNumbers = true });

    private static double? Number(string text) =>
        string.IsNullOrWhiteSpace(text) ? null : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static IEnumerable<string> SplitList(string text) =>
        text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static T ParseEnum<T>(string prefix, string text)
        where T : struct, Enum
    {
        // Seed files say "up_is_good"; the protocol's names are POLARITY_UP_IS_GOOD.
        var name = prefix + text.Trim().ToUpperInvariant();
        foreach (var value in Enum.GetValues<T>())
        {
            var original = typeof(T).GetField(value.ToString())!
                .GetCustomAttributes(typeof(Google.Protobuf.Reflection.OriginalNameAttribute), false)
                .Cast<Google.Protobuf.Reflection.OriginalNameAttribute>().Single().Name;
            if (original == name)
            {
                return value;
            }
        }

        throw new FormatException($"'{text}' is not a {typeof(T).Name}");
    }
}
