using System.Globalization;
using CsvHelper;
using Metrics.Contracts.V1;

namespace Metrics.Console.Imports;

/// <summary>
/// Reads police.uk street-level archive files ("2022-01-west-mercia-street.csv") into typed
/// records. A row whose month cannot be read is still sent (with no month) so that the
/// server reports it by line with the rest. Each record says the month its file is for, when
/// known, so that the server refuses a stray row of another month.
/// </summary>
public static class StreetCrimeCsv
{
    public static IEnumerable<StreetCrimeRecord> Read(string path, YearMonth? fileMonth = null)
    {
        using var csv = CsvFiles.Open(path, lineBreaksInQuotes: false);
        while (CsvFiles.Next(csv, path))
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
                FileMonth = fileMonth,
            };
            if (MonthText.TryParse(csv.GetString("Month"), out var month))
            {
                record.Month = month;
            }

            yield return record;
        }
    }
}

/// <summary>What a police.uk street file's name says: "2022-01-west-mercia-street.csv" is January 2022.</summary>
public static partial class StreetCrimeFiles
{
    [System.Text.RegularExpressions.GeneratedRegex(@"^(\d{4})-(\d{2})-.+-street\.csv$", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex PoliceUkName();

    /// <summary>The month of a file named as police.uk names them, or null.</summary>
    public static YearMonth? MonthOf(string path)
    {
        var name = PoliceUkName().Match(Path.GetFileName(path));
        return name.Success && MonthText.TryParse($"{name.Groups[1].Value}{name.Groups[2].Value}", out var month) ? month : null;
    }

    /// <summary>The "Falls within" of a file's first record: the force police.uk filed it under.</summary>
    public static string FallsWithin(string path)
    {
        using var csv = CsvFiles.Open(path, lineBreaksInQuotes: false);
        return CsvFiles.Next(csv, path) ? csv.GetString("Falls within").Trim() : "";
    }
}
