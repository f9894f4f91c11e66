using System.ComponentModel;
using System.Globalization;
using Metrics.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Metrics.Console.Commands;

/// <summary>metrics comparison: the report's policing-area comparison for a month.</summary>
public sealed class ComparisonCommand : AsyncCommand<MonthSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, MonthSettings settings, CancellationToken cancellationToken)
    {
        var response = await settings.Measures().GetAreaComparisonAsync(
            new GetAreaComparisonRequest { ForceCode = settings.Force, Month = settings.ParsedMonth },
            deadline: settings.Deadline(30),
            cancellationToken: cancellationToken);
        return Output.Print(response, settings.Json, () =>
        {
            AnsiConsole.MarkupLine($"[bold]Policing area comparison[/] · {response.Month.Year}-{response.Month.Month:D2}");
            var cellsOfAll = response.Rows.Append(response.Total).SelectMany(r => r.Cells).ToList();
            if (cellsOfAll.Any(c => c.TwelveMonthAveragePublished || (c.HasTwelveMonthAverage && c.MonthsInAverage < 12)))
            {
                AnsiConsole.MarkupLine("12-month average: (n/12) over the n months stored; p as the force published it (fewer months stored)");
            }

            var rows = response.Rows.Append(response.Total).ToList();
            var cells = rows.Select(r => r.Cells.Select(Cell).ToList()).ToList();

            // The report's layout (a column per area, four figures a cell) when the terminal holds
            // it on one line a row; else a table per crime type, an area a row, that fits 80 columns.
            var wide = 4 + rows.Max(r => r.Measure.Name.Length) + response.Areas.Select((a, i) => 3 + Math.Max(a.Name.Length, cells.Max(c => c[i].Length))).Sum();
            if (wide <= AnsiConsole.Profile.Width)
            {
                AnsiConsole.MarkupLine("Each cell: volume · 12-month average · % of total · per 1,000");
                var table = new Table().Border(TableBorder.Rounded).AddColumn("Crime type");
                foreach (var area in response.Areas)
                {
                    table.AddColumn(new TableColumn(Markup.Escape(area.Name)).RightAligned());
                }

                foreach (var (row, i) in rows.Select((r, i) => (r, i)))
                {
                    table.AddRow([Markup.Escape(row.Measure.Name), .. cells[i].Select(Markup.Escape)]);
                }

                AnsiConsole.Write(table);
                return;
            }

            foreach (var row in rows)
            {
                var table = Output.Table("Area", "Volume", "12-month avg", "% of total", "Per 1,000").Title(Markup.Escape(row.Measure.Name));
                foreach (var column in table.Columns.Skip(1))
                {
                    column.RightAligned();
                }

                foreach (var (area, c) in response.Areas.Zip(row.Cells))
                {
                    table.AddRow(
                        Markup.Escape(area.Name),
                        Output.Figure(c.HasVolume ? c.Volume : null),
                        Average(c),
                        Output.Figure(c.HasPercentOfTotal ? c.PercentOfTotal : null, "N0") + "%",
                        Output.Figure(c.HasRatePerThousand ? c.RatePerThousand : null, "N2"));
                }

                AnsiConsole.Write(table);
            }
        });
    }

    /// <summary>The 12-month average, saying when it rests on fewer months than it names ("6,377 (1/12)") or is the force's published one ("7,191 p").</summary>
    private static string Average(AreaComparisonCell c) =>
        Output.Figure(c.HasTwelveMonthAverage ? c.TwelveMonthAverage : null)
        + (c.TwelveMonthAveragePublished ? " p" : c.HasTwelveMonthAverage && c.MonthsInAverage < 12 ? $" ({c.MonthsInAverage}/12)" : "");

    private static string Cell(AreaComparisonCell c) =>
        $"{Output.Figure(c.HasVolume ? c.Volume : null)} · {Average(c)} · " +
        $"{Output.Figure(c.HasPercentOfTotal ? c.PercentOfTotal : null, "N0")}% · {Output.Figure(c.HasRatePerThousand ? c.RatePerThousand : null, "N2")}";
}

/// <summary>metrics year-end: each measure's financial year against the year before.</summary>
public sealed class YearEndCommand : AsyncCommand<YearEndCommand.Settings>
{
    public sealed class Settings : ServerSettings
    {
        [CommandArgument(0, "<AREA>")]
        [Description("Area code, e.g. west-mercia")]
        public string Area { get; init; } = "";

        [CommandArgument(1, "<YEAR>")]
        [Description("The financial year, as 2018/19 or by the year it starts in (2018)")]
        public string Year { get; init; } = "";

        public int StartYear => int.Parse(Year.Split('/')[0], CultureInfo.InvariantCulture);

        public override ValidationResult Validate() =>
            Year.Split('/')[0] is { Length: 4 } start && int.TryParse(start, CultureInfo.InvariantCulture, out _)
                ? ValidationResult.Success()
                : ValidationResult.Error($"'{Year}' is not a financial year: write it 2018/19 or 2018");
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var response = await settings.Measures().GetYearEndComparisonAsync(
            new GetYearEndComparisonRequest { AreaCode = settings.Area, FinancialYear = settings.StartYear },
            deadline: settings.Deadline(30),
            cancellationToken: cancellationToken);
        return Output.Print(response, settings.Json, () =>
        {
            var table = Output.Table("Measure", response.PreviousLabel, response.CurrentLabel, "% change");
            foreach (var row in response.Rows)
            {
                table.AddRow(
                    Markup.Escape(row.Measure.Name),
                    Output.Figure(row.HasPreviousTotal ? row.PreviousTotal : null) + (row.PreviousComplete ? "" : " (part)"),
                    Output.Figure(row.HasCurrentTotal ? row.CurrentTotal : null) + (row.CurrentComplete ? "" : " (part)"),
                    row.HasPercentChange ? $"{row.PercentChange:0.0}%" : "–");
            }

            AnsiConsole.MarkupLine($"[bold]Year end[/] · {Markup.Escape(response.Area.Name)}");
            AnsiConsole.Write(table);
        });
    }
}
