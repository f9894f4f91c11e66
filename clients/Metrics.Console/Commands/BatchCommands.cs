using System.ComponentModel;
using Metrics.Console.Imports;
using Metrics.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Metrics.Console.Commands;

/// <summary>metrics imports: the batches that changed the figures, newest first.</summary>
public sealed class ImportsListCommand : AsyncCommand<ImportsListCommand.Settings>
{
    public sealed class Settings : ServerSettings
    {
        [CommandOption("--limit <N>")]
        [Description("Most batches to list. Default: 50")]
        public int Limit { get; init; } = 50;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Page after page until --limit batches, or the oldest.
        var response = new ListImportsResponse();
        var pageToken = "";
        do
        {
            var page = await settings.Measures().ListImportsAsync(
                new ListImportsRequest { PageSize = Math.Min(settings.Limit - response.Imports.Count, 1000), PageToken = pageToken },
                deadline: settings.Deadline(30),
                cancellationToken: cancellationToken);
            response.Imports.Add(page.Imports);
            pageToken = page.NextPageToken;
        }
        while (pageToken.Length > 0 && response.Imports.Count < settings.Limit);

        return Output.Print(response, settings.Json, () =>
        {
            var table = Output.Table("Id", "Kind", "Force", "Source", "By", "Finished (UTC)", "Added", "Changed", "Removed", "State");
            foreach (var b in response.Imports)
            {
                table.AddRow(
                    b.ImportId.ToString(System.Globalization.CultureInfo.InvariantCulture), BatchText.Kind(b.Kind), Markup.Escape(b.ForceCode),
                    Markup.Escape(b.Source), Markup.Escape(b.Subject), b.FinishedAt?.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) ?? "",
                    b.Changes.Added.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                    b.Changes.Changed.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                    b.Changes.Removed.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                    BatchText.State(b));
            }

            AnsiConsole.Write(table);
        });
    }
}

/// <summary>metrics imports show ID: a batch's scope and its changes, figure by figure.</summary>
public sealed class ImportShowCommand : AsyncCommand<ImportShowCommand.Settings>
{
    public sealed class Settings : ServerSettings
    {
        [CommandArgument(0, "<ID>")]
        [Description("The batch, as metrics imports lists it")]
        public long ImportId { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var response = await settings.Measures().GetImportAsync(
            new GetImportRequest { ImportId = settings.ImportId }, deadline: settings.Deadline(60), cancellationToken: cancellationToken);
        return Output.Print(response, settings.Json, () =>
        {
            var b = response.Import;
            // "Import batch 4: …", not "Import 4 of …", which reads like "4 of N".
            AnsiConsole.MarkupLine($"Import batch [bold]{b.ImportId}[/] ({BatchText.Kind(b.Kind)}): [bold]{Markup.Escape(b.Source)}[/], for {Markup.Escape(b.ForceCode)}{(b.Subject.Length > 0 ? $", by {Markup.Escape(b.Subject)}" : "")}: {BatchText.State(b)}");
            var scope = response.Scope;
            AnsiConsole.MarkupLine(
                !b.Versioned ? "[grey]Not versioned (stored before versions were kept, or a live roll-up): its scope and the figures it replaced are not known.[/]"
                : scope.Cells == 0 ? "Scope: no figures (it retired, or brought back, a measure or an area)"
                : $"Scope: {scope.Cells:N0} cells · measures {Markup.Escape(string.Join(", ", scope.MeasureIds))} · {scope.AreaCodes.Count} area(s) · {ChangeOutput.Month(scope.FirstMonth)} to {ChangeOutput.Month(scope.LastMonth)}");
            ChangeOutput.Render(response.Changes, listAll: true);
        });
    }
}

/// <summary>metrics imports undo ID: restores the figures a batch replaced, as a batch of its own.</summary>
public sealed class ImportUndoCommand : AsyncCommand<ImportUndoCommand.Settings>
{
    public sealed class Settings : ServerSettings
    {
        [CommandArgument(0, "<ID>")]
        [Description("The batch to undo, as metrics imports lists it")]
        public long ImportId { get; init; }

        [CommandOption("--dry-run")]
        [Description("Store nothing: show what the undo would change")]
        public bool DryRun { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var response = await settings.Measures().UndoImportAsync(
            new UndoImportRequest { ImportId = settings.ImportId, DryRun = settings.DryRun }, deadline: settings.Deadline(600), cancellationToken: cancellationToken);
        return Output.Print(response, settings.Json, () => BatchText.Render(response.Import, response.Changes, response.DryRun, $"undo of import {settings.ImportId}"));
    }
}

/// <summary>metrics figures delete: a measure's figures for areas and months, as a batch that can be undone.</summary>
public sealed class FiguresDeleteCommand : AsyncCommand<FiguresDeleteCommand.Settings>
{
    public sealed class Settings : ServerSettings
    {
        [CommandOption("--force <CODE>")]
        [Description("The force whose figures they are")]
        public string Force { get; init; } = "";

        [CommandOption("--measure <ID>")]
        [Description("The measure")]
        public string Measure { get; init; } = "";

        [CommandOption("--area <CODE>")]
        [Description("An area of the force (repeat for more). Default: the force and all its areas")]
        public string[] Areas { get; init; } = [];

        [CommandOption("--from <YYYY-MM>")]
        [Description("First month")]
        public string From { get; init; } = "";

        [CommandOption("--to <YYYY-MM>")]
        [Description("Last month. Default: --from")]
        public string? To { get; init; }

        [CommandOption("--dry-run")]
        [Description("Store nothing: show what would be deleted")]
        public bool DryRun { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Force) ? ValidationResult.Error("--force is required")
            : string.IsNullOrWhiteSpace(Measure) ? ValidationResult.Error("--measure is required")
            : !MonthText.TryParse(From, out _) ? ValidationResult.Error("--from is required: the first month, 2019-03")
            : To is not null && !MonthText.TryParse(To, out _) ? ValidationResult.Error($"--to {To} is not a month: write it 2019-03")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        MonthText.TryParse(settings.From, out var from);
        MonthText.TryParse(settings.To ?? settings.From, out var to);
        var request = new DeleteFiguresRequest { ForceCode = settings.Force, MeasureId = settings.Measure, From = from, To = to, DryRun = settings.DryRun };
        request.AreaCodes.Add(settings.Areas);
        var response = await settings.Measures().DeleteFiguresAsync(request, deadline: settings.Deadline(600), cancellationToken: cancellationToken);
        return Output.Print(response, settings.Json, () => BatchText.Render(response.Import, response.Changes, response.DryRun, "deletion"));
    }
}

/// <summary>What a batch is now, and what a change did, in words.</summary>
internal static class BatchText
{
    /// <summary>What made a batch, as a person says it.</summary>
    public static string Kind(ImportKind kind) => kind switch
    {
        ImportKind.Observations => "figures",
        ImportKind.StreetCrimes => "street crimes",
        ImportKind.LiveRollup => "live roll-up",
        ImportKind.Undo => "undo",
        ImportKind.Delete => "deletion",
        ImportKind.Retire => "retirement",
        ImportKind.ReportTemplate => "report template",
        _ => "other",
    };

    public static string State(ImportBatch b) =>
        b.HasUndoneByImportId ? $"undone by {b.UndoneByImportId}"
        : b.HasUndoesImportId ? $"undoes {b.UndoesImportId}"
        : b.Versioned ? "in force" : "in force (no versions kept)";

    public static void Render(ImportBatch? batch, FigureChangeSummary changes, bool dryRun, string what)
    {
        AnsiConsole.MarkupLine(dryRun || batch is null
            ? $"[yellow]Dry run[/] of the {Markup.Escape(what)}, nothing stored:"
            : $"Stored the {Markup.Escape(what)} as import [bold]{batch.ImportId}[/] (undo it with: metrics imports undo {batch.ImportId})");
        ChangeOutput.Render(changes, listAll: true);
    }
}

/// <summary>metrics retire measure|area KEY: out of lists and pages, its history kept; undone with metrics imports undo.</summary>
public sealed class RetireCommand : AsyncCommand<RetireCommand.Settings>
{
    public sealed class Settings : ServerSettings
    {
        [CommandArgument(0, "<KIND>")]
        [Description("measure or area")]
        public string Kind { get; init; } = "";

        [CommandArgument(1, "<KEY>")]
        [Description("The measure's id or the area's code")]
        public string Key { get; init; } = "";

        [CommandOption("--dry-run")]
        [Description("Store nothing: check that it can be retired")]
        public bool DryRun { get; init; }

        public override ValidationResult Validate() =>
            Kind is "measure" or "area" ? ValidationResult.Success() : ValidationResult.Error("retire a measure or an area: metrics retire measure ID, metrics retire area CODE");
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var request = new RetireRequest { DryRun = settings.DryRun };
        if (settings.Kind == "measure")
        {
            request.MeasureId = settings.Key;
        }
        else
        {
            request.AreaCode = settings.Key;
        }

        var response = await settings.Measures().RetireAsync(request, deadline: settings.Deadline(60), cancellationToken: cancellationToken);
        return Output.Print(response, settings.Json, () => AnsiConsole.MarkupLine(response.DryRun
            ? $"[yellow]Dry run[/]: {Markup.Escape(settings.Kind)} {Markup.Escape(settings.Key)} can be retired; nothing stored."
            : $"Retired {Markup.Escape(settings.Kind)} {Markup.Escape(settings.Key)} as import [bold]{response.Import.ImportId}[/]: out of lists and pages, its history kept (undo it with: metrics imports undo {response.Import.ImportId})"));
    }
}
