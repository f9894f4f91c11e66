using System.ComponentModel;
using Metrics.Console.Imports;
using Metrics.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Metrics.Console.Commands;

/// <summary>Options of the definition commands: the file, and whether to store it.</summary>
public class DefineSettings : RepeatableSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("The definitions, as CSV in the seed's shape (src/Metrics.Server/Seed/)")]
    public string File { get; init; } = "";

    [CommandOption("--dry-run")]
    [Description("Store nothing: show what the definitions would add and change")]
    public bool DryRun { get; init; }

    public void RequireFile()
    {
        if (!System.IO.File.Exists(File))
        {
            throw new FileNotFoundException($"no file {File}");
        }
    }
}

/// <summary>metrics define force FILE: a force, its areas and districts, from an areas.csv.</summary>
public sealed class DefineForceCommand : AsyncCommand<DefineSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DefineSettings settings, CancellationToken cancellationToken)
    {
        settings.RequireFile();
        var request = DefinitionCsv.ReadForce(settings.File);
        request.DryRun = settings.DryRun;
        var response = await settings.SendAsync(async id =>
        {
            request.RequestId = id;
            return await settings.Measures().DefineForceAsync(request, deadline: settings.Deadline(60), cancellationToken: cancellationToken);
        });
        return Output.Print(response, settings.Json, () =>
        {
            DefinitionText.Render(response.DryRun, "area", response.Added, response.Changed, response.Unchanged);
            if (response.LeftOut.Count > 0)
            {
                AnsiConsole.MarkupLine(
                    $"[yellow]Not in the file, {(response.DryRun ? "would be retired" : "retired")}[/] (out of lists and pages, figures kept; metrics imports undo brings one back): {Markup.Escape(string.Join(", ", response.LeftOut))}");
            }
        });
    }
}

/// <summary>metrics define measures FILE: measures from a measures.csv.</summary>
public sealed class DefineMeasuresCommand : AsyncCommand<DefineSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DefineSettings settings, CancellationToken cancellationToken)
    {
        settings.RequireFile();
        var request = DefinitionCsv.ReadMeasures(settings.File);
        request.DryRun = settings.DryRun;
        var response = await settings.SendAsync(async id =>
        {
            request.RequestId = id;
            return await settings.Measures().DefineMeasuresAsync(request, deadline: settings.Deadline(60), cancellationToken: cancellationToken);
        });
        return Output.Print(response, settings.Json, () => DefinitionText.Render(response.DryRun, "measure", response.Added, response.Changed, response.Unchanged));
    }
}

/// <summary>What a definition adds and changes, in words.</summary>
/// <summary>metrics define template FILE --force CODE: a force's report template from a report-template.csv.</summary>
public sealed class DefineTemplateCommand : AsyncCommand<DefineTemplateCommand.Settings>
{
    public sealed class Settings : DefineSettings
    {
        [CommandOption("--force <CODE>")]
        [Description("The force the report is for")]
        public string Force { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        settings.RequireFile();
        var request = DefinitionCsv.ReadTemplate(settings.File);
        request.ForceCode = settings.Force;
        request.DryRun = settings.DryRun;
        var response = await settings.SendAsync(async id =>
        {
            request.RequestId = id;
            return await settings.Measures().DefineReportTemplateAsync(request, deadline: settings.Deadline(60), cancellationToken: cancellationToken);
        });
        return Output.Print(response, settings.Json, () =>
        {
            AnsiConsole.MarkupLine(response.DryRun ? "[yellow]Dry run[/], nothing stored: the template is valid." : $"Stored: the report of {Markup.Escape(response.Template.ForceCode)} is now:");
            foreach (var section in response.Template.Topics.GroupBy(t => t.Section))
            {
                AnsiConsole.MarkupLine($"  [bold]{Markup.Escape(section.Key)}[/]");
                foreach (var topic in section)
                {
                    var measure = topic.Breakdown.Length > 0 ? $"{topic.MeasureId} / {topic.Breakdown}" : topic.MeasureId;
                    AnsiConsole.MarkupLine($"    {Markup.Escape(topic.Topic)} ({Markup.Escape(measure)})");
                }
            }
        });
    }
}

internal static class DefinitionText
{
    public static void Render(bool dryRun, string what, IReadOnlyList<string> added, IReadOnlyList<DefinitionChange> changed, int unchanged)
    {
        AnsiConsole.MarkupLine(dryRun ? "[yellow]Dry run[/], nothing stored:" : "Stored:");
        AnsiConsole.MarkupLine($"  {added.Count} {what}(s) added{(added.Count > 0 ? $": {Markup.Escape(string.Join(", ", added))}" : "")}");
        AnsiConsole.MarkupLine($"  {changed.Count} changed{(changed.Count > 0 ? ":" : "")}");
        foreach (var change in changed)
        {
            AnsiConsole.MarkupLine($"    {Markup.Escape(change.Key)}: {Markup.Escape(string.Join(", ", change.Fields))}");
        }

        AnsiConsole.MarkupLine($"  {unchanged} unchanged");
    }
}
