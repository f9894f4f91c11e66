using System.Globalization;
using CsvHelper;
using Metrics.Contracts.V1;

namespace Metrics.Console.Imports;

/// <summary>
/// How a monthly table is laid out. Wide: one column per month, the area and breakdown in their
/// own columns. Long: one row per figure, with a month column, and a value column or numerator
/// and denominator columns (a percentage or an average as its parts); the measure may be a
/// column too. The area is a column, or one area for every row (<see cref="Area"/>).
/// </summary>
public sealed record MonthlyTableLayout(string? MeasureId, string? AreaColumn, IReadOnlyList<string> BreakdownColumns)
{
    /// <summary>One area for every row, for a table with no area column.</summary>
    public string? Area { get; init; }

    /// <summary>The month column of a long table; null: "month" when the table has one, else the table is wide.</summary>
    public string? MonthColumn { get; init; }

    /// <summary>The measure column of a long table; null: "measure" when there is one, else <see cref="MeasureId"/>.</summary>
    public string? MeasureColumn { get; init; }

    /// <summary>A long table's figure; null: "value" when there is one.</summary>
    public string? ValueColumn { get; init; }

    /// <summary>A long table's parts of a ratio; null: "numerator" and "denominator" when there are.</summary>
    public string? NumeratorColumn { get; init; }

    public string? DenominatorColumn { get; init; }
}

/// <summary>
/// Reads a monthly table into one import row per figure. Wide tables ("Borough, Major Category,
/// 200801, 200802, ...") have their month columns found by their headers; long tables ("Month,
/// Animal, State, Count") have a month in every row. Nothing in either is specific to a force. A
/// blank cell is no figure; a month that is no month is an error naming its line.
/// </summary>
public static class MonthlyTableCsv
{
    /// <summary>
    /// The rows of the table. The layout is checked against the header at once (a missing column
    /// or measure is an error before anything is sent); the rows are read as they are enumerated.
    /// </summary>
    public static IEnumerable<ObservationRow> Read(string path, MonthlyTableLayout layout)
    {
        var csv = CsvFiles.Open(path);
        try
        {
            CsvFiles.ReadHeader(csv, path);
            var monthColumn = layout.MonthColumn ?? Header(csv, "month");
            var rowsOf = monthColumn is null ? Wide(csv, path, layout) : Long(csv, path, layout, monthColumn);
            return Records(csv, path, rowsOf);
        }
        catch
        {
            csv.Dispose();
            throw;
        }
    }

    private static IEnumerable<ObservationRow> Records(CsvReader csv, string path, Func<CsvReader, IEnumerable<ObservationRow>> rowsOf)
    {
        using (csv)
        {
            while (CsvFiles.Next(csv, path))
            {
                foreach (var row in rowsOf(csv))
                {
                    yield return row;
                }
            }
        }
    }

    private static Func<CsvReader, IEnumerable<ObservationRow>> Wide(CsvReader csv, string path, MonthlyTableLayout layout)
    {
        var measureId = layout.MeasureId ?? throw new InvalidDataException("--measure is required: the measure the table's figures are (metrics measures lists them)");
        var areaIndex = layout.AreaColumn is { } areaColumn ? IndexOf(csv, areaColumn) : (int?)null;
        if (areaIndex is null && layout.Area is null)
        {
            throw new InvalidDataException("--area-column is required (or --area for one area for every row)");
        }

        var breakdownIndexes = layout.BreakdownColumns.Select(c => IndexOf(csv, c)).ToList();
        var monthColumns = csv.Headers
            .Select((header, index) => (Ok: MonthText.TryParse(header, out var month), Month: month, Index: index))
            .Where(c => c.Ok)
            .ToList();
        if (monthColumns.Count == 0)
        {
            throw new InvalidDataException(
                $"{Path.GetFileName(path)} has no month columns (headers like 2019-03, 201903, Mar-19, Mar 2019 or 2019 Mar) and no month column of a long table (--month-column); its columns are: {string.Join(", ", csv.Headers)}");
        }

        return record => monthColumns
            .Where(c => !string.IsNullOrWhiteSpace(record.GetString(c.Index)))
            .Select(c =>
            {
                var row = new ObservationRow { LineNumber = record.LineNumber, MeasureId = measureId, Area = Area(record, areaIndex, layout), Month = c.Month };
                row.BreakdownPath.Add(breakdownIndexes.Select(i => record.GetString(i)));

                // A figure that is not a number is sent without one: the server reports the line.
                if (Number(record.GetString(c.Index)) is { } value)
                {
                    row.Value = value;
                }

                return row;
            });
    }

    private static Func<CsvReader, IEnumerable<ObservationRow>> Long(CsvReader csv, string path, MonthlyTableLayout layout, string monthColumn)
    {
        var monthIndex = IndexOf(csv, monthColumn);
        var areaIndex = layout.AreaColumn is { } areaColumn ? IndexOf(csv, areaColumn) : layout.Area is null ? IndexOf(csv, "area") : (int?)null;
        var measureIndex = Optional(csv, layout.MeasureColumn, "measure");
        if (measureIndex is null && layout.MeasureId is null)
        {
            throw new InvalidDataException("--measure is required: the table has no measure column, so say which measure its figures are (metrics measures lists them)");
        }

        var breakdownIndexes = layout.BreakdownColumns.Select(c => IndexOf(csv, c)).ToList();
        var valueIndex = Optional(csv, layout.ValueColumn, "value");
        var numeratorIndex = Optional(csv, layout.NumeratorColumn, "numerator");
        var denominatorIndex = Optional(csv, layout.DenominatorColumn, "denominator");
        if (valueIndex is null && (numeratorIndex is null || denominatorIndex is null))
        {
            throw new InvalidDataException(
                $"{Path.GetFileName(path)} has no value column (--value-column), nor numerator and denominator columns; its columns are: {string.Join(", ", csv.Headers)}");
        }

        int?[] figureIndexes = [valueIndex, numeratorIndex, denominatorIndex];
        return record =>
        {
            if (!MonthText.TryParse(record.GetString(monthIndex), out var month, out var why))
            {
                throw new InvalidDataException($"{Path.GetFileName(path)} line {record.LineNumber}: {why}. The file was refused whole: nothing was stored");
            }

            // A row whose figure cells are all blank is a gap, not a zero.
            if (figureIndexes.All(i => i is null || string.IsNullOrWhiteSpace(record.GetString(i.Value))))
            {
                return [];
            }

            var row = new ObservationRow
            {
                LineNumber = record.LineNumber,
                MeasureId = measureIndex is { } m ? record.GetString(m).Trim() : layout.MeasureId!,
                Area = Area(record, areaIndex, layout),
                Month = month,
            };
            row.BreakdownPath.Add(breakdownIndexes.Select(i => record.GetString(i)));
            if (valueIndex is { } v && Number(record.GetString(v)) is { } figure)
            {
                row.Value = figure;
            }

            if (numeratorIndex is { } n && Number(record.GetString(n)) is { } part)
            {
                row.Numerator = part;
            }

            if (denominatorIndex is { } d && Number(record.GetString(d)) is { } whole)
            {
                row.Denominator = whole;
            }

            return [row];
        };
    }

    private static string Area(CsvReader csv, int? areaIndex, MonthlyTableLayout layout) =>
        areaIndex is { } index ? csv.GetString(index) : layout.Area ?? "";

    private static double? Number(string text) =>
        double.TryParse(text, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>The column named (which must exist), else the default name's if the table has it, else none.</summary>
    private static int? Optional(CsvReader csv, string? named, string defaultName) =>
        named is not null ? IndexOf(csv, named) : Header(csv, defaultName) is { } found ? IndexOf(csv, found) : null;

    /// <summary>The header named so, in any case, or null.</summary>
    private static string? Header(CsvReader csv, string name) =>
        csv.Headers.FirstOrDefault(h => h.Equals(name, StringComparison.OrdinalIgnoreCase));

    private static int IndexOf(CsvReader csv, string column) =>
        csv.TryGetFieldIndex(column, out var index) ? index
        : Header(csv, column) is { } other && csv.TryGetFieldIndex(other, out var anyCase) ? anyCase
        : throw new InvalidDataException($"no column '{column}'; the columns are: {string.Join(", ", csv.Headers)}");
}
