using System.Globalization;
using Metrics.Console.Imports;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>A server with the Met's nine years of borough crime imported once, through the client's import path.</summary>
public sealed class MetLoadedServer : IAsyncLifetime
{
    public const string Force = "metropolitan-police";

    public MetricsServerFactory Server { get; } = new();

    public static string MetFile => SharedData.PathOf("data", "met-borough", "MPS_Borough_Level_Crime_Historic.csv");

    public AnalyticsService.AnalyticsServiceClient Analytics() => new(Server.CreateChannel());

    public async Task InitializeAsync()
    {
        var layout = new MonthlyTableLayout("total_recorded_crime", "Borough", ["Major Category", "Minor Category"]);
        await ImportSender.SendObservationsAsync(
            Server.Measures(), new ObservationImportHeader { ForceCode = Force, Source = "met", AddTotals = true },
            MonthlyTableCsv.Read(MetFile, layout), null, null, default);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>The force's monthly totals read straight from the file (January 2008 first), optionally of one major category.</summary>
    public static double[] ForceTotals(string? majorCategory = null)
    {
        var lines = File.ReadAllLines(MetFile);
        var totals = new double[lines[0].Split(',').Length - 3];
        foreach (var cells in lines.Skip(1).Select(l => l.Split(',')).Where(c => majorCategory is null || c[1] == majorCategory))
        {
            for (var i = 0; i < totals.Length; i++)
            {
                totals[i] += double.Parse(cells[3 + i], CultureInfo.InvariantCulture);
            }
        }

        return totals;
    }

    /// <summary>Each borough's monthly totals read straight from the file, by the borough's name.</summary>
    public static Dictionary<string, double[]> BoroughTotals()
    {
        var lines = File.ReadAllLines(MetFile);
        var boroughs = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var cells in lines.Skip(1).Select(l => l.Split(',')))
        {
            if (!boroughs.TryGetValue(cells[0], out var totals))
            {
                boroughs[cells[0]] = totals = new double[cells.Length - 3];
            }

            for (var i = 0; i < totals.Length; i++)
            {
                totals[i] += double.Parse(cells[3 + i], CultureInfo.InvariantCulture);
            }
        }

        return boroughs;
    }

    /// <summary>Index of a month in the file's columns.</summary>
    public static int IndexOf(int year, int month) => ((year - 2008) * 12) + month - 1;
}
