using System.ComponentModel;
using Metrics.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Metrics.Console.Commands;

/// <summary>metrics summary: the report's first page for a force and month.</summary>
public sealed class SummaryCommand : AsyncCommand<MonthSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, MonthSettings settings, CancellationToken cancellationToken)
    {
        var page = await settings.Analytics().GetPerformanceSummaryAsync(
            new GetPerformanceSummaryRequest { ForceCode = settings.Force, Month = settings.ParsedMonth },
            deadline: settings.Deadline(60),
            cancellationToken: cancellationToken);
        return Output.Print(page, settings.Json, () =>
        {
            AnsiConsole.MarkupLine($"[bold]Performance Summary[/] · {Markup.Escape(page.Force.Name)} · {page.Month.Year}-{page.Month.Month:D2}");
            var table = Output.Table("Topic", "Inclusion", "Data", "Exceptions");
            foreach (var section in page.Sections)
            {
                table.AddRow(new Markup($"[bold]{Markup.Escape(section.Name)}[/]"), Text.Empty, Text.Empty, Text.Empty);
                foreach (var row in section.Rows)
                {
                    var exceptions = row.ExceptionalAreaCodes.Count > 0 ? $"[bold]{Markup.Escape(row.Exceptions)}[/]" : Markup.Escape(row.Exceptions);
                    table.AddRow(new Text(row.Topic), new Text(row.Inclusion), new Text(row.Data), new Markup(exceptions));
                }
            }

            AnsiConsole.Write(table);
        });
    }
}

/// <summary>metrics report: the month's report as one self-contained HTML file.</summary>
public sealed class ReportCommand : AsyncCommand<ReportCommand.Settings>
{
    public sealed class Settings : MonthSettings
    {
        [CommandOption("-o|--out <FILE>")]
        [Description("Where to write the report. Default: the name the server gives, in the current folder")]
        public string? Out { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var report = await settings.Analytics().GetReportAsync(
            new GetReportRequest { ForceCode = settings.Force, Month = settings.ParsedMonth },
            deadline: settings.Deadline(120),
            cancellationToken: cancellationToken);
        var path = Path.GetFullPath(settings.Out ?? report.FileName);
        await File.WriteAllTextAsync(path, report.Html, cancellationToken);
        if (settings.Json)
        {
            System.Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { file = path, bytes = new FileInfo(path).Length }));
        }
        else
        {
            AnsiConsole.MarkupLine($"Report written to [bold]{Markup.Escape(path)}[/] ({new FileInfo(path).Length:N0} bytes). Open it in a browser.");
        }

        return 0;
    }
}
