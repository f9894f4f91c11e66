using System.ComponentModel;
using Metrics.Console.Imports;
using Metrics.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Metrics.Console.Commands;

/// <summary>What every import takes: whether to keep the valid rows of a file with refused ones, and whether to store at all.</summary>
public class ImportSettings : RepeatableSettings
{
    [CommandOption("--dry-run")]
    [Description("Store nothing: show what the import would change, figure by figure")]
    public bool DryRun { get; init; }

    [CommandOption("--skip-invalid")]
    [Description("Store the valid rows even when some are refused (by default one refused row refuses the file)")]
    public bool SkipInvalid { get; init; }
}

/// <summary>metrics import street-crimes: police.uk street-level files into monthly counts.</summary>
public sealed class ImportStreetCrimesCommand : AsyncCommand<ImportStreetCrimesCommand.Settings>
{
    public sealed class Settings : ImportSettings
    {
        [CommandArgument(0, "<FILES>")]
        [Description("police.uk street-level CSV files, e.g. 2022-01-west-mercia-street.csv (each is the month its name says)")]
        public string[] Files { get; init; } = [];

        [CommandOption("--force <CODE>")]
        [Description("The force the files belong to. Default: the one force whose name the files' \"Falls within\" gives")]
        public string? Force { get; init; }

        [CommandOption("--month <YYYY-MM>")]
        [Description("The month of a file whose name does not say it (one file only)")]
        public string? Month { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var missing = settings.Files.FirstOrDefault(f => !File.Exists(f));
        if (missing is not null)
        {
            throw new FileNotFoundException($"no file {missing}");
        }

        var files = settings.Files.Select(f => (Path: f, Month: FileMonth(f, settings))).ToList();
        var client = settings.Measures();
        var force = settings.Force ?? await ForceOfAsync(client, settings.Files, settings.Deadline(30), cancellationToken);
        var header = new StreetCrimeImportHeader
        {
            ForceCode = force,
            Source = string.Join(", ", settings.Files.Select(Path.GetFileName)),
            SkipInvalid = settings.SkipInvalid,
            DryRun = settings.DryRun,
            RequestId = settings.Request(),
        };
        header.Months.Add(files.Select(f => f.Month).DistinctBy(m => (m.Year, m.Month)).OrderBy(m => (m.Year, m.Month)));
        var records = files.SelectMany(f => StreetCrimeCsv.Read(f.Path, f.Month));
        var summary = await settings.SendAsync(_ => ImportProgress.RunAsync(
            settings.Json, "Sending records", progress => ImportSender.SendStreetCrimesAsync(
                client, header, records, progress, settings.Deadline(600), cancellationToken)));
        return Output.Print(summary, settings.Json, () =>
        {
            ImportProgress.Render(summary.Import);
            AnsiConsole.MarkupLine(
                $"Crimes {summary.Crimes:N0} · ASB incidents {summary.AntiSocialBehaviourIncidents:N0} · "
                + $"not placed in an area (counted for the force): {summary.UnplacedNoLocation:N0} with no location, "
                + $"{summary.UnplacedOutsideAreas:N0} outside the force's areas");
        });
    }

    private static YearMonth FileMonth(string path, Settings settings)
    {
        if (settings.Month is { } given)
        {
            return settings.Files.Length == 1 && MonthText.TryParse(given, out var month)
                ? month
                : throw new InvalidDataException(settings.Files.Length == 1 ? $"--month {given} is not a month: write it 2022-01" : "--month names the month of one file; give the files one at a time");
        }

        return StreetCrimeFiles.MonthOf(path)
            ?? throw new InvalidDataException($"{Path.GetFileName(path)}: its name does not say its month (police.uk names files 2022-01-west-mercia-street.csv); give --month");
    }

    /// <summary>The force whose name begins the files' "Falls within", as the server matches it; refused when none or several match.</summary>
    private static async Task<string> ForceOfAsync(MeasuresService.MeasuresServiceClient client, IEnumerable<string> files, DateTime deadline, CancellationToken cancellationToken)
    {
        var named = files.Select(StreetCrimeFiles.FallsWithin).Where(f => f.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (named.Count != 1)
        {
            throw new InvalidDataException(named.Count == 0
                ? "the files name no force (\"Falls within\" is empty); give --force"
                : $"the files fall within {named.Count} forces ({string.Join(", ", named)}); import each force's files with its --force");
        }

        var areas = await CataloguePages.AllAreasAsync(client, new ListAreasRequest(), deadline, cancellationToken);
        var forces = areas.Areas
            .Where(a => a.Kind == AreaKind.Force && (a.FallsWithin.Count > 0
                ? a.FallsWithin.Contains(named[0], StringComparer.OrdinalIgnoreCase)
                : named[0].StartsWith(a.Name, StringComparison.OrdinalIgnoreCase)))
            .Select(a => a.Code)
            .ToList();
        return forces.Count == 1
            ? forces[0]
            : throw new InvalidDataException(forces.Count == 0
                ? $"no force defined on the server is filed under \"{named[0]}\" (the files' \"Falls within\"): define it (metrics define force, with falls_within), or give --force"
                : $"\"{named[0]}\" could be any of {string.Join(", ", forces)}; give --force");
    }
}

/// <summary>metrics import table: a monthly table, wide (one column per month) or long (a month column), into measures.</summary>
public sealed class ImportTableCommand : AsyncCommand<ImportTableCommand.Settings>
{
    public sealed class Settings : ImportSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("CSV: wide (an area column, breakdown columns, one column per month: 2019-03, 201903, Mar-19, 2019 Mar) or long (a month column and a value column, or numerator and denominator)")]
        public string File { get; init; } = "";

        [CommandOption("--force <CODE>")]
        [Description("The force whose areas the table names")]
        public string Force { get; init; } = "";

        [CommandOption("--measure <ID>")]
        [Description("The measure the figures are (metrics measures lists them); required unless a long table has a measure column")]
        public string? Measure { get; init; }

        [CommandOption("--area-column <NAME>")]
        [Description("The column naming the area. Long tables: default \"area\"")]
        public string? AreaColumn { get; init; }

        [CommandOption("--area <CODE>")]
        [Description("One area for every row, for a table with no area column")]
        public string? Area { get; init; }

        [CommandOption("--breakdown-column <NAME>")]
        [Description("A breakdown column, most general first; repeat for more levels")]
        public string[] BreakdownColumns { get; init; } = [];

        [CommandOption("--month-column <NAME>")]
        [Description("Long tables: the month column. Default: \"month\" when there is one (which makes the table long)")]
        public string? MonthColumn { get; init; }

        [CommandOption("--measure-column <NAME>")]
        [Description("Long tables: the measure column. Default: \"measure\" when there is one")]
        public string? MeasureColumn { get; init; }

        [CommandOption("--value-column <NAME>")]
        [Description("Long tables: the figure's column. Default: \"value\"")]
        public string? ValueColumn { get; init; }

        [CommandOption("--numerator-column <NAME>")]
        [Description("Long tables: a percentage's or an average's part. Default: \"numerator\"")]
        public string? NumeratorColumn { get; init; }

        [CommandOption("--denominator-column <NAME>")]
        [Description("Long tables: a percentage's or an average's whole. Default: \"denominator\"")]
        public string? DenominatorColumn { get; init; }

        [CommandOption("--no-totals")]
        [Description("Store only the rows as given (no breakdown totals, no force total)")]
        public bool NoTotals { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Force) ? ValidationResult.Error("--force is required")
            : AreaColumn is not null && Area is not null ? ValidationResult.Error("--area-column and --area are either or")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(settings.File))
        {
            throw new FileNotFoundException($"no file {settings.File}");
        }

        // The layout is checked against the file's header before anything is sent.
        var rows = MonthlyTableCsv.Read(settings.File, new MonthlyTableLayout(settings.Measure, settings.AreaColumn, settings.BreakdownColumns)
        {
            Area = settings.Area,
            MonthColumn = settings.MonthColumn,
            MeasureColumn = settings.MeasureColumn,
            ValueColumn = settings.ValueColumn,
            NumeratorColumn = settings.NumeratorColumn,
            DenominatorColumn = settings.DenominatorColumn,
        });
        var header = new ObservationImportHeader
        {
            ForceCode = settings.Force,
            Source = Path.GetFileName(settings.File),
            AddTotals = !settings.NoTotals,
            SkipInvalid = settings.SkipInvalid,
            DryRun = settings.DryRun,
            RequestId = settings.Request(),
        };
        var summary = await settings.SendAsync(_ => ImportProgress.RunAsync(
            settings.Json, "Sending figures", progress => ImportSender.SendObservationsAsync(
                settings.Measures(), header, rows, progress, settings.Deadline(600), cancellationToken)));
        return Output.Print(summary, settings.Json, () => ImportProgress.Render(summary));
    }
}
