using Grpc.Core;
using Metrics.Console.Imports;
using Metrics.Contracts.V1;
using Microsoft.VisualBasic.FileIO;

namespace Metrics.Server.Tests;

/// <summary>The real data loads through the client's import path, and the stored counts match an independent count.</summary>
public sealed class ImportTests(MetricsServerFactory server) : IClassFixture<MetricsServerFactory>
{
    private static readonly Dictionary<string, string> DistrictAreas = new()
    {
        ["Herefordshire"] = "herefordshire",
        ["Bromsgrove"] = "north-worcestershire",
        ["Redditch"] = "north-worcestershire",
        ["Wyre Forest"] = "north-worcestershire",
        ["Worcester"] = "south-worcestershire",
        ["Malvern Hills"] = "south-worcestershire",
        ["Wychavon"] = "south-worcestershire",
        ["Shropshire"] = "shropshire",
        ["Telford and Wrekin"] = "telford-and-wrekin",
    };

    [Fact]
    public async Task SixPoliceUkMonthsImportTwiceWithTotalsEqualToAnIndependentCount()
    {
        var files = Directory.GetFiles(SharedData.PathOf("data", "police-uk", "west-mercia"), "*-street.csv").Order().ToArray();
        Assert.Equal(6, files.Length);
        var expected = CountIndependently(files);
        var client = server.Measures();

        StreetCrimeImportSummary summary = null!;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            summary = await ImportSender.SendStreetCrimesAsync(
                client, StreetCrimeHeader("west-mercia", "police.uk 2022-01 to 2022-06", files),
                files.SelectMany(f => StreetCrimeCsv.Read(f, StreetCrimeFiles.MonthOf(f))), null, null, default);
        }

        Assert.Equal(expected.Crimes.Where(c => c.Key.Area == "west-mercia").Sum(c => c.Value), summary.Crimes);
        Assert.Equal(expected.Unplaced, summary.UnplacedNoLocation + summary.UnplacedOutsideAreas);
        Assert.Equal(0, summary.Import.RowsRejected);
        Assert.Equal(6, summary.Import.Months.Count);
        foreach (var area in DistrictAreas.Values.Distinct().Append("west-mercia"))
        {
            var crimes = await Monthly(client, "police_uk_recorded_crime", area);
            var asb = await Monthly(client, "police_uk_anti_social_behaviour", area);
            for (var month = 1; month <= 6; month++)
            {
                Assert.Equal(expected.Crimes.GetValueOrDefault((area, month)), crimes[month - 1]);
                Assert.Equal(expected.AntiSocialBehaviour.GetValueOrDefault((area, month)), asb[month - 1]);
            }
        }

        var imports = await client.ListImportsAsync(new ListImportsRequest());
        Assert.Equal(2, imports.Imports.Count(i => i.Kind == ImportKind.StreetCrimes));
    }

    [Fact]
    public async Task MetropolitanBoroughsLoadAsASecondForceThroughTheSameImportPath()
    {
        var path = SharedData.PathOf("data", "met-borough", "MPS_Borough_Level_Crime_Historic.csv");
        var client = server.Measures();
        var layout = new MonthlyTableLayout("total_recorded_crime", "Borough", ["Major Category", "Minor Category"]);

        var summary = await ImportSender.SendObservationsAsync(
            client, new ObservationImportHeader { ForceCode = "metropolitan-police", Source = "met", AddTotals = true },
            MonthlyTableCsv.Read(path, layout), null, null, default);

        Assert.Equal(0, summary.RowsRejected);
        Assert.Equal(108, summary.Months.Count);
        var (force, burglaryInWestminster) = SumIndependently(path);
        var series = await client.GetSeriesAsync(new GetSeriesRequest { MeasureId = "total_recorded_crime", AreaCode = "metropolitan-police" });
        Assert.Equal(108, series.Points.Count);
        Assert.Equal(force, series.Points.Select(p => p.Value));
        Assert.Contains("Burglary / Burglary in a Dwelling", series.Breakdowns);
        var burglary = await client.GetSeriesAsync(new GetSeriesRequest { MeasureId = "total_recorded_crime", AreaCode = "westminster", Breakdown = "Burglary" });
        Assert.Equal(burglaryInWestminster, burglary.Points.Select(p => p.Value));
        var areas = await client.ListAreasAsync(new ListAreasRequest { ForceCode = "metropolitan-police" });
        Assert.Equal(33, areas.Areas.Count);
    }

    [Fact]
    public async Task ARefusedRowRefusesTheImportWithEveryRowInTheErrorDetailsAndSkipInvalidStoresTheRest()
    {
        var client = server.Measures();
        var good = new ObservationRow { LineNumber = 2, MeasureId = "hate_crime", Area = "Telford & Wrekin", Month = new YearMonth { Year = 2019, Month = 1 }, Value = 21 };
        var rows = new[]
        {
            good,
            new ObservationRow { LineNumber = 3, MeasureId = "no_such_measure", Area = "shropshire", Month = new YearMonth { Year = 2019, Month = 1 }, Value = 1 },
            new ObservationRow { LineNumber = 4, MeasureId = "hate_crime", Area = "shropshire", Month = new YearMonth { Year = 2019, Month = 13 }, Value = 1 },
            new ObservationRow { LineNumber = 5, MeasureId = "hate_crime", Area = "shropshire", Month = new YearMonth { Year = 2019, Month = 1 }, Value = -4 },
            new ObservationRow { LineNumber = 6, MeasureId = "hate_crime", Area = "telford-and-wrekin", Month = new YearMonth { Year = 2019, Month = 1 }, Value = 99 },
        };
        var before = await client.GetSeriesAsync(new GetSeriesRequest { MeasureId = "hate_crime", AreaCode = "telford-and-wrekin" });

        var refused = await Assert.ThrowsAsync<RpcException>(() => ImportSender.SendObservationsAsync(
            client, new ObservationImportHeader { ForceCode = "west-mercia", Source = "test" }, rows, null, null, default));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith("4 of 5 rows refused, so nothing was stored", refused.Status.Detail, StringComparison.Ordinal);
        var details = refused.GetRpcStatus()!;
        Assert.Equal("IMPORT_ROWS_REFUSED", details.GetDetail<Google.Rpc.ErrorInfo>()!.Reason);
        Assert.Equal(
            ["lines[3].measure_id: measure_id 'no_such_measure' is not in the catalogue", "lines[4].month: month 13 is not a month of the year (1 to 12)",
             "lines[5].value: value is -4; a figure of hate_crime cannot be negative", "lines[6]: repeats the figure of line 2"],
            details.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations.Select(v => $"{v.Field}: {v.Description}"));
        Assert.Equal(["UNKNOWN_MEASURE", "MALFORMED", "MALFORMED", "REPEATED"], details.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations.Select(v => v.Reason));
        Assert.Equal(before.Points, (await client.GetSeriesAsync(new GetSeriesRequest { MeasureId = "hate_crime", AreaCode = "telford-and-wrekin" })).Points);

        var summary = await ImportSender.SendObservationsAsync(
            client, new ObservationImportHeader { ForceCode = "west-mercia", Source = "test", SkipInvalid = true }, rows, null, null, default);

        Assert.Equal((5, 4, 1), (summary.RowsRead, summary.RowsRejected, summary.ObservationsWritten));
        Assert.Equal(["3 measure_id", "4 month", "5 value", "6 "], summary.Problems.Select(p => $"{p.LineNumber} {p.Field}"));
        Assert.Equal([RowRefusal.UnknownMeasure, RowRefusal.Malformed, RowRefusal.Malformed, RowRefusal.Repeated], summary.Problems.Select(p => p.Refusal));
        var stored = await client.GetSeriesAsync(new GetSeriesRequest
        {
            MeasureId = "hate_crime",
            AreaCode = "telford-and-wrekin",
            Range = new MonthRange { First = new YearMonth { Year = 2019, Month = 1 }, Last = new YearMonth { Year = 2019, Month = 1 } },
        });
        Assert.Equal(21, Assert.Single(stored.Points).Value);
    }

    [Fact]
    public async Task AnImportForAnUnknownForceIsNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => ImportSender.SendObservationsAsync(
            server.Measures(), new ObservationImportHeader { ForceCode = "atlantis" }, [], null, null, default));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("force 'atlantis' does not exist", error.Status.Detail);
    }

    /// <summary>A street-level import of police.uk files: the months their names give.</summary>
    internal static StreetCrimeImportHeader StreetCrimeHeader(string force, string source, IEnumerable<string> files)
    {
        var header = new StreetCrimeImportHeader { ForceCode = force, Source = source };
        header.Months.Add(files.Select(f => StreetCrimeFiles.MonthOf(f)!).Distinct());
        return header;
    }

    private static async Task<List<double>> Monthly(MeasuresService.MeasuresServiceClient client, string measure, string area)
    {
        var series = await client.GetSeriesAsync(new GetSeriesRequest
        {
            MeasureId = measure,
            AreaCode = area,
            Range = new MonthRange { First = new YearMonth { Year = 2022, Month = 1 }, Last = new YearMonth { Year = 2022, Month = 6 } },
        });
        return [.. series.Points.Select(p => p.Value)];
    }

    /// <summary>Counts the files with another CSV parser and the README's district rules.</summary>
    private static (Dictionary<(string Area, int Month), int> Crimes, Dictionary<(string Area, int Month), int> AntiSocialBehaviour, int Unplaced) CountIndependently(string[] files)
    {
        var crimes = new Dictionary<(string, int), int>();
        var asb = new Dictionary<(string, int), int>();
        var unplaced = 0;
        foreach (var file in files)
        {
            using var parser = new TextFieldParser(file) { TextFieldType = FieldType.Delimited, Delimiters = [","], HasFieldsEnclosedInQuotes = true };
            var header = parser.ReadFields()!.ToList();
            while (parser.ReadFields() is { } fields)
            {
                var month = int.Parse(fields[header.IndexOf("Month")].Split('-')[1], System.Globalization.CultureInfo.InvariantCulture);
                var lsoaName = fields[header.IndexOf("LSOA name")];
                var district = lsoaName.Contains(' ', StringComparison.Ordinal) ? lsoaName[..lsoaName.LastIndexOf(' ')] : string.Empty;
                var target = fields[header.IndexOf("Crime type")] == "Anti-social behaviour" ? asb : crimes;
                target[("west-mercia", month)] = target.GetValueOrDefault(("west-mercia", month)) + 1;
                if (DistrictAreas.TryGetValue(district, out var area))
                {
                    target[(area, month)] = target.GetValueOrDefault((area, month)) + 1;
                }
                else
                {
                    unplaced++;
                }
            }
        }

        return (crimes, asb, unplaced);
    }

    private static (List<double> Force, List<double> BurglaryInWestminster) SumIndependently(string path)
    {
        var lines = File.ReadAllLines(path);
        var force = new double[lines[0].Split(',').Length - 3];
        var burglary = new double[force.Length];
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            for (var i = 0; i < force.Length; i++)
            {
                var value = double.Parse(cells[3 + i], System.Globalization.CultureInfo.InvariantCulture);
                force[i] += value;
                if (cells[0] == "Westminster" && cells[1] == "Burglary")
                {
                    burglary[i] += value;
                }
            }
        }

        return ([.. force], [.. burglary]);
    }
}
