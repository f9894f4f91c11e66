using System.Globalization;
using CsvHelper;
using Metrics.Contracts.V1;

namespace Metrics.Console.Imports;

/// <summary>
/// Reads police.uk street-level archive files ("2022-01-west-mercia-street.csv") into typed
/// records. A row whose month cannot be read is still sent (with no month) so that the
/// server reports it by line with the rest.
/// </summary>
public static class StreetCrimeCsv
{
    public static IEnumerable<StreetCrimeRecord> Read(string path)
    {
        using var csv = CsvReader.FromFile(path, new CsvReaderOptions { TrackLineNumbers = true });
        while (csv.Read())
        {
            var record = new StreetCrimeRecord
            {
                LineNumber = csv.LineNumber,
                CrimeId = csv.GetString("Crime ID"),
                FallsWithin = csv.GetString("Falls within"),
                LsoaCode = csv.GetString("LSOA code"),
                LsoaName = csv.GetString("LSOA name"),
                CrimeType = csv.GetString("Crime type"),
                LastOutcomeCategory = csv.GetString("Last outcome category"),
            };
            if (MonthText.TryParse(csv.GetString("Month"), out var month))
            {
                record.Month = month;
            }

            yield return record;
        }
    }
}

/// <summary>Months as files write them: "2022-01" or "202201".</summary>
public static class MonthText
{
    public static bool TryParse(string text, out YearMonth month)
    {
        month = new YearMonth();
        var digits = text.Trim().Replace("-", string.Empty, StringComparison.Ordinal);
        if (digits.Length != 6 || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var key))
        {
            return false;
        }

        month = new YearMonth { Year = key / 100, Month = key % 100 };
        return month.Month is >= 1 and <= 12;
    }
}
