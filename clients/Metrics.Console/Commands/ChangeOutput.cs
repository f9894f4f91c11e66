using Metrics.Contracts.V1;
using Spectre.Console;

namespace Metrics.Console.Commands;

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
        var months = summary.Months.Count > 0
            ? $" ({ChangeOutput.Month(summary.Months[0])} to {ChangeOutput.Month(summary.Months[^1])})"
            : string.Empty;
        AnsiConsole.MarkupLine(
            (summary.DryRun
                ? $"[yellow]Dry run[/] of [bold]{Markup.Escape(summary.Source)}[/], nothing stored: "
                : $"Stored as import [bold]{summary.ImportId}[/] ([bold]{Markup.Escape(summary.Source)}[/]): ")
            + $"{summary.RowsRead:N0} rows read, {summary.RowsRejected:N0} refused, for {summary.Months.Count} month(s){months}");
        foreach (var problem in summary.Problems)
        {
            AnsiConsole.MarkupLine($"  line {problem.LineNumber}{(problem.Field.Length > 0 ? $" ({Markup.Escape(problem.Field)})" : "")}: {Markup.Escape(problem.Reason)} [grey](not stored)[/]");
        }

        ChangeOutput.Render(summary.Changes, listAll: summary.DryRun);
        if (!summary.DryRun)
        {
            AnsiConsole.MarkupLine($"[grey]Undo it with: metrics imports undo {summary.ImportId}[/]");
        }
    }
}

/// <summary>How a change alters the stored figures: the counts, and the figures it lists.</summary>
internal static class ChangeOutput
{
    public static string Month(YearMonth month) => $"{month.Year:D4}-{month.Month:D2}";

    public static void Render(FigureChangeSummary changes, bool listAll)
    {
        AnsiConsole.MarkupLine(
            $"Figures: [green]{changes.Added:N0} added[/], [yellow]{changes.Changed:N0} changed[/], [red]{changes.Removed:N0} removed[/], {changes.Unchanged:N0} unchanged");
        if (!listAll || changes.First.Count == 0)
        {
            return;
        }

        var table = Output.Table("Measure", "Area", "Period", "Breakdown", "Before", "After");
        foreach (var c in changes.First)
        {
            table.AddRow(
                Markup.Escape(c.MeasureId), Markup.Escape(c.AreaCode), Period(c), Markup.Escape(c.Breakdown.Length > 0 ? c.Breakdown : "(total)"),
                Parts(c.Before), Parts(c.After));
        }

        AnsiConsole.Write(table);
        var listed = changes.Added + changes.Changed + changes.Removed;
        if (listed > changes.First.Count)
        {
            AnsiConsole.MarkupLine($"[grey]… the first {changes.First.Count} of {listed:N0} changes[/]");
        }
    }

    private static string Period(FigureChange change) =>
        change.Months <= 1 ? Month(change.Month) : $"{Month(change.Month)} ({change.Months} months)";

    private static string Parts(FigureParts? parts)
    {
        if (parts is null)
        {
            return "–";
        }

        const string Format = "#,0.###";
        var value = parts.HasValue ? Output.Figure(parts.Value, Format) : "";
        var ratio = parts.HasNumerator && parts.HasDenominator ? $"{Output.Figure(parts.Numerator, Format)}/{Output.Figure(parts.Denominator, Format)}" : "";
        return string.Join(" ", new[] { value, ratio }.Where(p => p.Length > 0));
    }
}
