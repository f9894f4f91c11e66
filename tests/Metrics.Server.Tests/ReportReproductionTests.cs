using System.Globalization;
using System.Text.RegularExpressions;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>
/// The seeded March 2019 report's tables, compared figure by figure. What each comparison proves,
/// honestly: the volumes and the year totals are read back (they were seeded from this same
/// report); the percentages of the total and the percentage changes are computed by the server
/// from them; the rates per 1,000 match by construction, because the areas' populations were
/// derived from the report's own rates. A rate from a population given apart from it is
/// <see cref="ARateIsComputedFromAPopulationGivenApartFromIt"/>; other figures computed from data the report did not give are
/// in <see cref="AnalyticsTests"/> (a financial year summed from twelve stored Met months, every
/// borough's expected range) and <see cref="TotalsReimportTests"/>.
/// </summary>
public sealed partial class ReportReproductionTests(MetricsServerFactory server) : IClassFixture<MetricsServerFactory>
{
    private static readonly string[] AreaCodes =
        ["west-mercia", "herefordshire", "north-worcestershire", "shropshire", "south-worcestershire", "telford-and-wrekin"];

    private static readonly Dictionary<string, string> RowMeasures = new()
    {
        ["Violence With Injury"] = "violence_with_injury",
        ["Violence Without Injury"] = "violence_without_injury",
        ["Rape"] = "rape",
        ["Other Sexual Offences"] = "other_sexual_offences",
        ["Business Robbery"] = "robbery_business",
        ["Personal Robbery"] = "robbery_personal",
        ["Vehicle Offences"] = "vehicle_offences",
        ["Theft from Person"] = "theft_from_person",
        ["Bicycle Theft"] = "bicycle_theft",
        ["Shoplifting"] = "shoplifting",
        ["All Other Theft Offences"] = "other_theft",
        ["Criminal Damage & Arson"] = "criminal_damage_arson",
        ["Other Crimes Against Society"] = "other_crimes_against_society",
        ["Burglary – Business & Community (incl. Res. non-dwelling)"] = "burglary_business_community",
        ["Burglary - Residential (dwelling only)"] = "burglary_residential_dwelling",
    };

    [Fact]
    public async Task AreaComparisonForMarch2019ReproducesTheReportsPercentagesAndRates()
    {
        var printed = ReadPrintedAreaComparison();
        var request = new GetAreaComparisonRequest { ForceCode = "west-mercia", Month = new YearMonth { Year = 2019, Month = 3 } };
        request.MeasureIds.Add(RowMeasures.Values);

        var response = await server.Measures().GetAreaComparisonAsync(request);

        Assert.Equal(AreaCodes, response.Areas.Select(a => a.Code));
        var compared = 0;
        foreach (var row in response.Rows.Append(response.Total))
        {
            var expected = printed[row.Measure.Id];
            for (var i = 0; i < AreaCodes.Length; i++)
            {
                var cell = row.Cells[i];
                var (volume, percent, rate) = expected[i];
                var where = $"{row.Measure.Name}, {AreaCodes[i]}";
                Assert.True(volume == cell.Volume, $"{where}: volume {cell.Volume}, report {volume}");
                Assert.True(rate == Math.Round(cell.RatePerThousand, 2, MidpointRounding.AwayFromZero), $"{where}: rate {cell.RatePerThousand:F4}, report {rate}");
                if (percent is { } p)
                {
                    Assert.True(p == Math.Round(cell.PercentOfTotal, 0, MidpointRounding.AwayFromZero), $"{where}: % {cell.PercentOfTotal:F3}, report {p}%");
                }

                compared++;
            }
        }

        Assert.Equal(16 * 6, compared);
        Assert.Equal(RateBase.Households, response.Rows.Single(r => r.Measure.Id == "burglary_residential_dwelling").RateBase);
    }

    [Fact]
    public async Task EveryTwelveMonthAverageOfTheAreaComparisonIsTheReportsAndSaysItIsPublished()
    {
        var printed = ReadPrintedAverages();
        var request = new GetAreaComparisonRequest { ForceCode = "west-mercia", Month = new YearMonth { Year = 2019, Month = 3 } };
        request.MeasureIds.Add(RowMeasures.Values);

        var response = await server.Measures().GetAreaComparisonAsync(request);
        var february = await server.Measures().GetAreaComparisonAsync(new GetAreaComparisonRequest { ForceCode = "west-mercia", Month = new YearMonth { Year = 2019, Month = 2 } });

        var compared = 0;
        foreach (var row in response.Rows.Append(response.Total))
        {
            for (var i = 0; i < AreaCodes.Length; i++)
            {
                var cell = row.Cells[i];
                Assert.True(printed[row.Measure.Id][i] == cell.TwelveMonthAverage, $"{row.Measure.Name}, {AreaCodes[i]}: average {cell.TwelveMonthAverage}, report {printed[row.Measure.Id][i]}");
                Assert.True(cell.TwelveMonthAveragePublished, $"{row.Measure.Name}, {AreaCodes[i]}: not marked published");
                Assert.True(cell.MonthsInAverage < 12); // the seed gives March and at most February
                compared++;
            }
        }

        Assert.Equal(16 * 6, compared);

        // A month the force published no averages for: the average of what is stored, saying how little that is.
        var total = february.Total.Cells.Single(c => c.AreaCode == "west-mercia");
        Assert.False(total.TwelveMonthAveragePublished);
        Assert.Equal(0, total.MonthsInAverage);
    }

    [Fact]
    public async Task ARateIsComputedFromAPopulationGivenApartFromIt()
    {
        // Computed, not by construction: populations defined here, volumes imported as months.
        var measures = server.Measures();
        var define = new DefineForceRequest { Force = new Area { Code = "rate-shire", Name = "Rateshire Police", Kind = AreaKind.Force, Population = 358_023 } };
        define.Areas.Add(new Area { Code = "rate-north", Name = "Rate North", Kind = AreaKind.LocalPolicingArea, ParentCode = "rate-shire", Population = 123_456 });
        define.Areas.Add(new Area { Code = "rate-south", Name = "Rate South", Kind = AreaKind.LocalPolicingArea, ParentCode = "rate-shire", Population = 234_567 });
        await measures.DefineForceAsync(define);
        var march = new YearMonth { Year = 2019, Month = 3 };
        using (var import = measures.ImportObservations())
        {
            await import.RequestStream.WriteAsync(new ImportObservationsRequest { Header = new ObservationImportHeader { ForceCode = "rate-shire", Source = "rates", AddTotals = true } });
            await import.RequestStream.WriteAsync(new ImportObservationsRequest { Row = new ObservationRow { MeasureId = "total_recorded_crime", Area = "rate-north", Month = march, Value = 1_000 } });
            await import.RequestStream.WriteAsync(new ImportObservationsRequest { Row = new ObservationRow { MeasureId = "total_recorded_crime", Area = "rate-south", Month = march, Value = 1_500 } });
            await import.RequestStream.CompleteAsync();
            await import.ResponseAsync;
        }

        var response = await measures.GetAreaComparisonAsync(new GetAreaComparisonRequest { ForceCode = "rate-shire", Month = march });

        Assert.Equal(["rate-shire", "rate-north", "rate-south"], response.Areas.Select(a => a.Code));
        Assert.Equal([2_500, 1_000, 1_500], response.Total.Cells.Select(c => c.Volume));
        Assert.Equal(2_500 / 358_023.0 * 1000, response.Total.Cells[0].RatePerThousand, 9);
        Assert.Equal(1_000 / 123_456.0 * 1000, response.Total.Cells[1].RatePerThousand, 9);
        Assert.Equal(1_500 / 234_567.0 * 1000, response.Total.Cells[2].RatePerThousand, 9);
    }

    [Fact]
    public async Task YearEndComparisonReproducesTheReportsTable()
    {
        var response = await server.Measures().GetYearEndComparisonAsync(new GetYearEndComparisonRequest { AreaCode = "west-mercia", FinancialYear = 2018 });

        Assert.Equal(("2017/18", "2018/19"), (response.PreviousLabel, response.CurrentLabel));
        var printed = ReadPrintedYearEnd();
        Assert.Equal(printed.Select(p => p.Name), response.Rows.Select(r => r.Measure.Name.Replace("Total Recorded Crime", "Total Recorded Crime", StringComparison.Ordinal)));
        foreach (var (row, (name, previous, current, change)) in response.Rows.Zip(printed))
        {
            Assert.Equal(previous, row.PreviousTotal);
            Assert.Equal(current, row.CurrentTotal);
            Assert.True(change == Math.Round(row.PercentChange, 1, MidpointRounding.AwayFromZero), $"{name}: {row.PercentChange:F3}% against {change}%");
            Assert.True(row.PreviousComplete && row.CurrentComplete);
        }
    }

    [Fact]
    public async Task QuarterlySeriesAddsTheMonthsAndSaysWhatIsMissing()
    {
        var response = await server.Measures().GetSeriesAsync(new GetSeriesRequest
        {
            MeasureId = "total_recorded_crime",
            AreaCode = "west-mercia",
            Granularity = Granularity.Quarter,
            Range = new MonthRange { First = new YearMonth { Year = 2019, Month = 1 }, Last = new YearMonth { Year = 2019, Month = 3 } },
        });

        var quarter = Assert.Single(response.Points);
        Assert.Equal("Q1 2019", quarter.Label);
        Assert.Equal(6377 + 7767, quarter.Value);
        Assert.Equal(2, quarter.MonthsWithData);
        Assert.False(quarter.Complete);
    }

    [Fact]
    public async Task RollingOutcomeRatesAreStoredAsPartsAndReadAsPercentages()
    {
        var response = await server.Measures().GetSeriesAsync(new GetSeriesRequest
        {
            MeasureId = "crime_outcome_rate",
            AreaCode = "west-mercia",
            Breakdown = "Action Taken",
            Range = new MonthRange { First = new YearMonth { Year = 2019, Month = 1 }, Last = new YearMonth { Year = 2019, Month = 3 } },
            Granularity = Granularity.Quarter,
        });

        // Jan 19 - Mar 19 is published as its own 3-month window: 1,388 of 21,098 recorded, 6.6%.
        var window = Assert.Single(response.Points);
        Assert.Equal(6.6, Math.Round(window.Value, 1));
        Assert.Equal((1388, 21098), (window.Numerator, window.Denominator));
        Assert.Contains("No Action Taken", response.Breakdowns);
    }

    /// <summary>The table's 12-month averages: the seed gives two months, so each is the force's published figure, kept and marked as such.</summary>
    private static Dictionary<string, List<double>> ReadPrintedAverages()
    {
        var text = File.ReadAllText(SharedData.PathOf("reference", "performance-summary-2019-03.md"));
        var start = text.IndexOf("\tWest Mercia\t\t\t\tHerefordshire", StringComparison.Ordinal);
        var end = text.IndexOf("This table shows where policing areas", start, StringComparison.Ordinal);
        return text[start..end].Split('\n').Skip(2).Where(l => l.Trim().Length > 0)
            .Select(line => Tags().Replace(line, string.Empty).Split('\t'))
            .ToDictionary(
                cells => cells[0] == "Total Recorded Crime" ? "total_recorded_crime" : RowMeasures[cells[0]],
                cells => Enumerable.Range(0, 6).Select(i => double.Parse(cells[2 + (i * 4)], CultureInfo.InvariantCulture)).ToList());
    }

    private static Dictionary<string, List<(double Volume, double? Percent, double Rate)>> ReadPrintedAreaComparison()
    {
        var text = File.ReadAllText(SharedData.PathOf("reference", "performance-summary-2019-03.md"));
        var start = text.IndexOf("\tWest Mercia\t\t\t\tHerefordshire", StringComparison.Ordinal);
        var end = text.IndexOf("This table shows where policing areas", start, StringComparison.Ordinal);
        var table = new Dictionary<string, List<(double, double?, double)>>();
        foreach (var line in text[start..end].Split('\n').Skip(2).Where(l => l.Trim().Length > 0))
        {
            var cells = Tags().Replace(line, string.Empty).Split('\t');
            var id = cells[0] == "Total Recorded Crime" ? "total_recorded_crime" : RowMeasures[cells[0]];
            table[id] = [.. Enumerable.Range(0, 6).Select(i => (
                double.Parse(cells[1 + (i * 4)], CultureInfo.InvariantCulture),
                cells[3 + (i * 4)].Length > 0 ? double.Parse(cells[3 + (i * 4)].TrimEnd('%'), CultureInfo.InvariantCulture) : (double?)null,
                double.Parse(cells[4 + (i * 4)], CultureInfo.InvariantCulture)))];
        }

        return table;
    }

    private static List<(string Name, double Previous, double Current, double Change)> ReadPrintedYearEnd()
    {
        var text = File.ReadAllText(SharedData.PathOf("reference", "performance-summary-2019-03.md"));
        var start = text.IndexOf("\t2017/18\t2018/19\t% Change", StringComparison.Ordinal);
        var end = text.IndexOf("ASI will publish", start, StringComparison.Ordinal);
        return [.. text[start..end].Split('\n').Skip(1).Where(l => l.Contains('\t', StringComparison.Ordinal)).Select(line =>
        {
            var cells = System.Net.WebUtility.HtmlDecode(Tags().Replace(line, string.Empty)).Split('\t');
            return (cells[0], double.Parse(cells[1], CultureInfo.InvariantCulture), double.Parse(cells[2], CultureInfo.InvariantCulture),
                double.Parse(cells[3].TrimEnd('%'), CultureInfo.InvariantCulture));
        })];
    }

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();
}
