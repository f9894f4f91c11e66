using System.Globalization;
using CsvHelper;
using Metrics.Contracts.V1;

namespace Metrics.Console.Imports;

/// <summary>How a wide monthly table is laid out: which columns name the area and the breakdown.</summary>
public sealed record MonthlyTableLayout(string MeasureId, string AreaColumn, IReadOnlyList<string> BreakdownColumns);

/// <summary>
/// Reads a wide monthly table (one row per area and category, one column per month, e.g.
/// "Borough, Major Category, Minor Category, 200801, 200802, ...") into one import row per
/// figure. Month columns are found by their header; nothing in it is specific to a force.
/// </summary>
public static class MonthlyTableCsv
{
    public static IEnumerable<ObservationRow> Read(string path, MonthlyTableLayout layout)
    {
        using var csv = CsvFiles.Open(path);
        CsvFiles.ReadHeader(csv, path);
        var areaIndex = IndexOf(csv, layout.AreaColumn);
        var breakdownIndexes = layout.BreakdownColumns.Select(c => IndexOf(csv, c)).ToList();
        var monthColumns = csv.Headers
            .Select((header, index) => (Ok: MonthText.TryParse(header, out var month), Month: month, Index: index))
            .Where(c => c.Ok)
            .ToList();
        if (monthColumns.Count == 0)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)} has no month columns (headers like 201903 or 2019-03)");
        }

        while (CsvFiles.Next(csv, path))
        {
            var area = csv.GetString(areaIndex);
            var breakdown = breakdownIndexes.Select(i => csv.GetString(i)).ToList();
            foreach (var (_, month, index) in monthColumns)
            {
                var text = csv.GetString(index);
                if (string.IsNullOrWhiteSpace(text))
                {
                    continue;
                }

                var row = new ObservationRow { LineNumber = csv.LineNumber, MeasureId = layout.MeasureId, Area = area, Month = month };
                row.BreakdownPath.Add(breakdown);
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    row.Value = value;
                }

                // A figure that is not a number is sent without one: the server reports the line.
                yield return row;
            }
        }
    }

    private static int IndexOf(CsvReader csv, string column) =>
        csv.TryGetFieldIndex(column, out var index)
            ? index
            : throw new InvalidDataException($"no column '{column}'; the columns are: {string.Join(", ", csv.Headers)}");
}
