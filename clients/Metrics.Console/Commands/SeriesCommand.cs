using System.ComponentModel;
using Metrics.Console.Imports;
using Metrics.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Metrics.Console.Commands;

/// <summary>metrics series: one measure for one area, by month, quarter or financial year.</summary>
public sealed class SeriesCommand : AsyncCommand<SeriesCommand.Settings>
{
    public sealed class Settings : ServerSettings
    {
        [CommandArgument(0, "<MEASURE>")]
        [Description("Measure id, e.g. total_recorded_crime")]
        public string Measure { get; init; } = "";

        [CommandArgument(1, "<AREA>")]
        [Description("Area code, e.g. west-mercia")]
        public string Area { get; init; } = "";

        [CommandOption("--from <MONTH>")]
        [Description("First month, e.g. 2019-01")]
        public string? From { get; init; }

        [CommandOption("--to <MONTH>")]
        [Description("Last month, e.g. 2019-03")]
        public string? To { get; init; }

        [CommandOption("--by <PERIOD>")]
        [Description("month, quarter or year (financial year, April to March). Default: month")]
        public string By { get; init; } = "month";

        [CommandOption("--breakdown <VALUE>")]
        [Description("A breakdown value, e.g. 999 for calls; default the total")]
        public string Breakdown { get; init; } = "";

        public override ValidationResult Validate()
        {
            if (From is not null ^ To is not null)
            {
                return ValidationResult.Error("--from and --to go together");
            }

            if ((From is not null && !MonthText.TryParse(From, out _)) || (To is not null && !MonthText.TryParse(To, out _)))
            {
                return ValidationResult.Error("months are written 2019-03");
            }

            return By is "month" or "quarter" or "year" ? ValidationResult.Success() : ValidationResult.Error("--by is month, quarter or year");
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var request = new GetSeriesRequest
        {
            MeasureId = settings.Measure,
            AreaCode = settings.Area,
            Breakdown = settings.Breakdown,
            Granularity = settings.By switch
            {
                "quarter" => Granularity.Quarter,
                "year" => Granularity.FinancialYear,
                _ => Granularity.Month,
            },
        };
        if (settings.From is not null && MonthText.TryParse(settings.From, out var first) && MonthText.TryParse(settings.To!, out var last))
        {
            request.Range = new MonthRange { First = first, Last = last };
        }

        var response = await settings.Measures().GetSeriesAsync(request, deadline: settings.Deadline(30), cancellationToken: cancellationToken);
        return Output.Print(response, settings.Json, () =>
        {
            if (!response.Points.Any(p => p.HasValue))
            {
                var range = request.Range is { } r ? $" from {ChangeOutput.Month(r.First)} to {ChangeOutput.Month(r.Last)}" : "";
                AnsiConsole.MarkupLine($"No figures for {Markup.Escape(response.Measure.Id)}{(response.Breakdown.Length > 0 ? $" ({Markup.Escape(response.Breakdown)})" : "")} in {Markup.Escape(response.Area.Code)}{range}.");
                if (response.Breakdowns.Count > 0 && response.Breakdown.Length == 0)
                {
                    AnsiConsole.MarkupLine($"Its breakdowns (--breakdown): {Markup.Escape(string.Join(", ", response.Breakdowns))}");
                }

                return;
            }

            var unit = response.Measure.Unit == Unit.Percent ? "%" : string.Empty;
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(response.Measure.Name)}[/] · {Markup.Escape(response.Area.Name)}"
                + (response.Breakdown.Length > 0 ? $" · {Markup.Escape(response.Breakdown)}" : string.Empty));
            var table = Output.Table("Period", "Value", "Months with data");
            foreach (var point in response.Points)
            {
                var format = response.Measure.Unit == Unit.Count ? "N0" : "N1";
                table.AddRow(point.Label, Output.Figure(point.HasValue ? point.Value : null, format) + unit, $"{point.MonthsWithData}/{point.Months}");
            }

            AnsiConsole.Write(table);

            // A count over part of a period (3 months of a year) is not comparable with whole
            // periods: as a bar it reads as a crash. Averages and percentages still compare.
            var isTotal = response.Measure.Unit == Unit.Count;
            var charted = response.Points.Where(p => p.HasValue && (p.Complete || !isTotal)).ToList();
            var chart = new BarChart().Width(60).UseValueFormatter(value => Output.Figure(value, isTotal ? "N0" : "N1") + unit);
            foreach (var point in charted)
            {
                chart.AddItem(point.Complete ? point.Label : $"{point.Label} ({point.MonthsWithData} of {point.Months} months)", Math.Round(point.Value, 1), Color.SteelBlue1);
            }

            AnsiConsole.Write(chart);
            var part = response.Points.Where(p => p.HasValue && !p.Complete && isTotal).ToList();
            if (part.Count > 0)
            {
                AnsiConsole.MarkupLine(Markup.Escape($"Not charted, part periods: {string.Join(", ", part.Select(p => $"{p.Label} ({p.MonthsWithData} of {p.Months} months)"))}."));
            }
        });
    }
}
