using System.ComponentModel;
using Metrics.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Metrics.Console.Commands;

/// <summary>metrics measures: the measure catalogue.</summary>
public sealed class MeasuresCommand : AsyncCommand<MeasuresCommand.Settings>
{
    public sealed class Settings : ServerSettings
    {
        [CommandOption("--section <SECTION>")]
        [Description("Only this report section")]
        public string Section { get; init; } = "";

        [CommandOption("--include-retired")]
        [Description("Also retired measures")]
        public bool IncludeRetired { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var response = await CataloguePages.AllMeasuresAsync(
            settings.Measures(), new ListMeasuresRequest { Section = settings.Section, IncludeRetired = settings.IncludeRetired }, settings.Deadline(30), cancellationToken);
        return Output.Print(response, settings.Json, () =>
        {
            // Ids are what a user copies into the next command: never wrapped; the name wraps, with
            // the breakdown under it, so that the table keeps to 80 columns.
            var table = Output.Table("Id", "Name", "Unit", "Better");
            table.Columns[0].NoWrap();
            foreach (var m in response.Measures)
            {
                table.AddRow(
                    Markup.Escape(m.Id) + (m.Retired ? " [grey](retired)[/]" : ""),
                    Markup.Escape(m.Name) + (m.BreakdownKind.Length > 0 ? $"\n[grey]by {Markup.Escape(m.BreakdownKind)}[/]" : ""),
                    m.Unit switch { Unit.Count => "count", Unit.Percent => "%", Unit.PublishedPercent => "% (published)", Unit.Duration => "time", _ => "" },
                    m.Polarity switch { Polarity.UpIsGood => "higher", Polarity.DownIsGood => "lower", _ => "–" });
            }

            AnsiConsole.Write(table);
        });
    }
}

/// <summary>metrics areas: forces and their areas.</summary>
public sealed class AreasCommand : AsyncCommand<AreasCommand.Settings>
{
    public sealed class Settings : ServerSettings
    {
        [CommandOption("--force <CODE>")]
        [Description("Only this force and its areas")]
        public string Force { get; init; } = "";

        [CommandOption("--include-retired")]
        [Description("Also retired areas")]
        public bool IncludeRetired { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var response = await CataloguePages.AllAreasAsync(
            settings.Measures(), new ListAreasRequest { ForceCode = settings.Force, IncludeRetired = settings.IncludeRetired }, settings.Deadline(30), cancellationToken);
        return Output.Print(response, settings.Json, () =>
        {
            var table = Output.Table("Code", "Name", "Kind", "Population", "Households", "Districts (police.uk names)");
            foreach (var a in response.Areas)
            {
                var places = a.Kind == AreaKind.Force && a.FallsWithin.Count > 0 ? $"filed as: {string.Join("; ", a.FallsWithin)}" : string.Join("; ", a.Districts);
                table.AddRow(
                    Markup.Escape(a.Code) + (a.Retired ? " [grey](retired)[/]" : ""), Markup.Escape(a.Name), a.Kind.ToString(),
                    Output.Figure(a.HasPopulation ? a.Population : null), Output.Figure(a.HasHouseholds ? a.Households : null), Markup.Escape(places));
            }

            AnsiConsole.Write(table);
        });
    }
}
