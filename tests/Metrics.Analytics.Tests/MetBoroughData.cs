using System.Globalization;

namespace Metrics.Analytics.Tests;

/// <summary>The Met borough file read directly, so analytics tests do not depend on the importer.</summary>
internal static class MetBoroughData
{
    public const int Months = 108;

    private static readonly Lazy<string[][]> Rows = new(() =>
        [.. File.ReadAllLines(SharedData.PathOf("data", "met-borough", "MPS_Borough_Level_Crime_Historic.csv")).Skip(1).Select(l => l.Split(','))]);

    public static IReadOnlyList<string> MajorCategories => [.. Rows.Value.Select(r => r[1]).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>The force's monthly total, of one major (and optionally minor) category or of all crime.</summary>
    public static List<double> MonthlyTotal(string? majorCategory = null, string? minorCategory = null)
    {
        var totals = new double[Months];
        var rows = Rows.Value.Where(c => (majorCategory is null || c[1] == majorCategory) && (minorCategory is null || c[2] == minorCategory));
        foreach (var cells in rows)
        {
            for (var i = 0; i < Months; i++)
            {
                totals[i] += double.Parse(cells[3 + i], CultureInfo.InvariantCulture);
            }
        }

        return [.. totals];
    }
}
