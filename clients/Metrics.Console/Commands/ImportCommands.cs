using System.ComponentModel;
using Metrics.Console.Imports;
using Metrics.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Metrics.Console.Commands;

/// <summary>metrics import street-crimes: police.uk street-level files into monthly counts.</summary>
public sealed class ImportStreetCrimesCommand : AsyncCommand<ImportStreetCrimesCommand.Settings>
{
    public sealed class Settings : ServerSettings
    {
        [CommandArgument(0, "<FILES>")]
        [Description("police.uk street-level CSV files, e.g. 2022-01-west-mercia-street.csv")]
        public string[] Files { get; init; } = [];

        [CommandOption("--force <CODE>")]
        [Description("The force the files belong to. Default: west-mercia")]
        public string Force { get; init; } = "west-mercia";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var missing = settings.Files.FirstOrDefault(f => !File.Exists(f));
        if (missing is not null)
        {
            throw new FileNotFoundException($"no file {missing}");
        }

        var header = new StreetCrimeImportHeader { ForceCode = settings.Force, Source = string.Join(", ", settings.Files.Select(Path.GetFileName)) };
        var records = settings.Files.SelectMany(StreetCrimeCsv.Read);
        var summary = await ImportProgress.RunAsync(
            settings.Json, "Sending records", progress => ImportSender.SendStreetCrimesAsync(
                settings.Measures(), header, records, progress, settings.Deadline(600), cancellationToken));
        return Output.Print(summary, settings.Json, () =>
        {
            ImportProgress.Render(summary.Import);
            AnsiConsole.MarkupLine(
                $"Crimes {summary.Crimes:N0} · ASB incidents {summary.AntiSocialBehaviourIncidents:N0} · "
                + $"not placed in an area (counted for the force): {summary.UnplacedNoLocation:N0} with no location, "
                + $"{summary.UnplacedOutsideAreas:N0} outside the force's areas");
        });
    }
}

/// <summary>metrics import table: a wide monthly table (one column per month) into a measure.</summary>
public sealed class ImportTableCommand : AsyncCommand<ImportTableCommand.Settings>
{
    public sealed class Settings : ServerSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("CSV with an area column, breakdown columns and one column per month (200801 or 2008-01)")]
        public string File { get; init; } = "";

        [CommandOption("--force <CODE>")]
        [Description("The force whose areas the table names")]
        public string Force { get; init; } = "";

        [CommandOption("--measure <ID>")]
        [Description("The measure the figures are. Default: total_recorded_crime")]
        public string Measure { get; init; } = "total_recorded_crime";

        [CommandOption("--area-column <NAME>")]
        [Description("The column naming the area")]
        public string AreaColumn { get; init; } = "";

        [CommandOption("--breakdown-column <NAME>")]
        [Description("A breakdown column, most general first; repeat for more levels")]
        public string[] BreakdownColumns { get; init; } = [];

        [CommandOption("--no-totals")]
        [Description("Store only the rows as given (no breakdown totals, no force total)")]
        public bool NoTotals { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Force) ? ValidationResult.Error("--force is required")
            : string.IsNullOrWhiteSpace(AreaColumn) ? ValidationResult.Error("--area-column is required")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(settings.File))
        {
            throw new FileNotFoundException($"no file {settings.File}");
        }

        var header = new ObservationImportHeader { ForceCode = settings.Force, Source = Path.GetFileName(settings.File), AddTotals = !settings.NoTotals };
        var rows = MonthlyTableCsv.Read(settings.File, new MonthlyTableLayout(settings.Measure, settings.AreaColumn, settings.BreakdownColumns));
        var summary = await ImportProgress.RunAsync(
            settings.Json, "Sending figures", progress => ImportSender.SendObservationsAsync(
                settings.Measures(), header, rows, progress, settings.Deadline(600), cancellationToken));
        return Output.Print(summary, settings.Json, () => ImportProgress.Render(summary));
    }
}

/// <summary>A progress line while rows stream, and the import summary after.</summary>
internal static class ImportProgress
{
    public static async Task<T> RunAsync<T>(bool quiet, string what, Func<IProgress<long>?, Task<T>> send)
    {
        if (quiet || System.Console.IsOutputRedirected)
        {
            return await send(null);
        }

        return await AnsiConsole.Progress().AutoClear(true).StartAsync(async context =>
        {
            var task = context.AddTask(what, maxValue: double.MaxValue);
            task.IsIndeterminate = true;
            var progress = new Progress<long>(sent => task.Description = $"{what}: {sent:N0}");
            return await send(progress);
        });
    }

    public static void Render(ImportSummary summary)
    {
        AnsiConsole.MarkupLine(
            $"Import {summary.ImportId} of [bold]{Markup.Escape(summary.Source)}[/]: {summary.RowsRead:N0} rows read, "
            + $"{summary.RowsRejected:N0} rejected, {summary.ObservationsWritten:N0} figures written for "
            + $"{summary.Months.Count} month(s){(summary.Months.Count > 0 ? $" ({summary.Months[0].Year}-{summary.Months[0].Month:D2} to {summary.Months[^1].Year}-{summary.Months[^1].Month:D2})" : string.Empty)}");
        foreach (var problem in summary.Problems)
        {
            AnsiConsole.MarkupLine($"  line {problem.LineNumber}: {Markup.Escape(problem.Reason)}");
        }
    }
}
