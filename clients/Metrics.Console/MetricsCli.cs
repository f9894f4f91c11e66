using Grpc.Core;
using Metrics.Console.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Metrics.Console;

/// <summary>The command tree, and one clear line (no stack trace) when something fails.</summary>
public static class MetricsCli
{
    /// <param name="console">Where help and errors of usage are drawn; the terminal unless a test gives its own.</param>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default, IAnsiConsole? console = null)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            if (console is not null)
            {
                config.ConfigureConsole(console);
            }

            config.SetApplicationName("metrics");
            config.PropagateExceptions();
            config.AddCommand<MeasuresCommand>("measures").WithDescription("List the measure catalogue");
            config.AddCommand<AreasCommand>("areas").WithDescription("List forces and their areas");
            config.AddCommand<SeriesCommand>("series").WithDescription("Show a measure's series for an area")
                .WithExample("series", "total_recorded_crime", "west-mercia", "--by", "quarter");
            config.AddCommand<SummaryCommand>("summary").WithDescription("The report's first page for a force and month")
                .WithExample("summary", "west-mercia", "2019-03");
            config.AddCommand<ComparisonCommand>("comparison").WithDescription("The policing-area comparison for a force and month")
                .WithExample("comparison", "west-mercia", "2019-03");
            config.AddCommand<YearEndCommand>("year-end").WithDescription("Each measure's financial year against the year before")
                .WithExample("year-end", "west-mercia", "2018/19");
            config.AddCommand<ReportCommand>("report").WithDescription("Write the month's report as a self-contained HTML file")
                .WithExample("report", "west-mercia", "2019-03", "--out", "march.html");
            config.AddCommand<WatchCommand>("watch").WithDescription("A live wallboard of the control room's figures")
                .WithExample("watch", "--areas", "shropshire,telford-and-wrekin");
            config.AddBranch("import", import =>
            {
                import.SetDescription("Import data files into the historical store");
                import.AddCommand<ImportStreetCrimesCommand>("street-crimes").WithDescription("police.uk street-level CSV files")
                    .WithExample("import", "street-crimes", "2022-01-west-mercia-street.csv", "--dry-run");
                import.AddCommand<ImportTableCommand>("table").WithDescription("A wide monthly table: one column per month")
                    .WithExample("import", "table", "MPS_Borough_Level_Crime_Historic.csv", "--force", "metropolitan-police", "--measure", "total_recorded_crime",
                        "--area-column", "Borough", "--breakdown-column", "Major Category", "--breakdown-column", "Minor Category");
            });
            config.AddBranch("define", define =>
            {
                define.SetDescription("Define a force and its areas, measures, or a force's report template, from CSV files in the seed's shape");
                define.AddCommand<DefineForceCommand>("force").WithDescription("A force, its areas, districts and police.uk names, from an areas.csv")
                    .WithExample("define", "force", "src/Metrics.Server/Seed/forces/west-mercia/areas.csv", "--dry-run");
                define.AddCommand<DefineMeasuresCommand>("measures").WithDescription("Measures, from a measures.csv")
                    .WithExample("define", "measures", "src/Metrics.Server/Seed/measures.csv", "--dry-run");
                define.AddCommand<DefineTemplateCommand>("template").WithDescription("A force's report: sections, topics, measures and nouns, from a report-template.csv")
                    .WithExample("define", "template", "src/Metrics.Server/Seed/forces/west-mercia/report-template.csv", "--force", "west-mercia", "--dry-run");
            });
            config.AddBranch("imports", imports =>
            {
                imports.SetDescription("The batches that changed the figures: list, show, undo");
                imports.SetDefaultCommand<ImportsListCommand>();
                imports.AddCommand<ImportShowCommand>("show").WithDescription("A batch's scope and its changes, figure by figure")
                    .WithExample("imports", "show", "12");
                imports.AddCommand<ImportUndoCommand>("undo").WithDescription("Restore the figures a batch replaced (itself a batch)")
                    .WithExample("imports", "undo", "12", "--dry-run");
            });
            config.AddCommand<RetireCommand>("retire").WithDescription("Retire a measure or an area: out of lists and pages, its history kept (undoable)")
                .WithExample("retire", "measure", "hate_crime", "--dry-run");
            config.AddBranch("figures", figures =>
            {
                figures.SetDescription("Change stored figures");
                figures.AddCommand<FiguresDeleteCommand>("delete").WithDescription("Delete a measure's figures for areas and months (undoable)")
                    .WithExample("figures", "delete", "--force", "west-mercia", "--measure", "total_recorded_crime", "--area", "shropshire", "--from", "2019-01", "--to", "2019-03");
            });
        });

        try
        {
            return await app.RunAsync(args, cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable)
        {
            return Fail($"The server does not answer ({e.Status.Detail}). Is it running? See --server.");
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unauthenticated)
        {
            return Fail($"The server wants a token: {e.Status.Detail}. Give one with --token or METRICS_TOKEN (a development server writes them to src/Metrics.Server/data/tokens/).");
        }
        catch (RpcException e)
        {
            // A refused import says which rows, and why, in its details.
            var rows = e.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>()?.FieldViolations ?? [];
            return Fail($"{e.StatusCode}: {e.Status.Detail}{string.Concat(rows.Select(v => $"{Environment.NewLine}  {v.Field}: {v.Description}"))}");
        }
        catch (Exception e) when (e is CommandAppException or ChangeOutcomeUnknownException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or InvalidDataException or HttpRequestException)
        {
            return Fail(e.Message);
        }
    }

    private static int Fail(string message)
    {
        System.Console.Error.WriteLine($"error: {message}");
        return 1;
    }
}
