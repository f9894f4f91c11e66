using Grpc.Core;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>
/// A force's report is its own: its sections under its own headings, its topics in order, its
/// nouns, defined as data. A force without one gets a plain report in the catalogue's neutral
/// categories, never West Mercia's headings (the Met was once reported under them).
/// </summary>
[Collection(nameof(ConsoleCommands))]
public sealed class ReportTemplateTests : IDisposable
{
    private const string GloucestershireAreas = """
        code,name,kind,parent_code,population,households,population_vintage,districts,peers,falls_within
        gloucestershire,Gloucestershire,force,,,,,,,Gloucestershire Constabulary
        gloucester,Gloucester,local_policing_area,gloucestershire,,,,Gloucester,,
        """;

    private const string GloucestershireTemplate = """
        section,topic,measure_id,breakdown,noun,inclusion
        Keeping Gloucestershire Safe,All crime,total_recorded_crime,,offences,monthly
        Keeping Gloucestershire Safe,Burglary,burglary_residential_dwelling,,burglaries,
        Answering the Public,Calls,calls_offered,,calls,
        """;

    private static readonly YearMonth March2019 = new() { Year = 2019, Month = 3 };
    private readonly MetricsServerFactory _server = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("metrics-template-").FullName;

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task WestMerciasReportIsInItsOwnWordsFromTheSeedsTemplate()
    {
        var template = (await _server.Measures().GetReportTemplateAsync(new GetReportTemplateRequest { ForceCode = "west-mercia" })).Template;
        var summary = await Analytics().GetPerformanceSummaryAsync(new GetPerformanceSummaryRequest { ForceCode = "west-mercia", Month = March2019 });

        Assert.False(template.Generated);
        Assert.Equal(
            ["Putting Victims & Survivors First", "Building a More Secure West Mercia", "Reassuring West Mercia", "Reforming West Mercia", "Open data"],
            summary.Sections.Select(s => s.Name));
        Assert.Equal("deaths", template.Topics.Single(t => t.MeasureId == "road_deaths").Noun);
    }

    [Fact]
    public async Task AForceWithoutATemplateGetsAPlainReportAndItsOwnOnceDefinedWithItsWords()
    {
        var areas = Path.Combine(_folder, "areas.csv");
        var template = Path.Combine(_folder, "report-template.csv");
        await File.WriteAllTextAsync(areas, GloucestershireAreas);
        await File.WriteAllTextAsync(template, GloucestershireTemplate);
        Assert.Equal(0, (await Cli("define", "force", areas)).Exit);

        var plain = (await _server.Measures().GetReportTemplateAsync(new GetReportTemplateRequest { ForceCode = "gloucestershire" })).Template;
        var plainSummary = await Analytics().GetPerformanceSummaryAsync(new GetPerformanceSummaryRequest { ForceCode = "gloucestershire", Month = March2019 });
        var dryRun = await Cli("define", "template", template, "--force", "gloucestershire", "--dry-run");
        var afterDryRun = (await _server.Measures().GetReportTemplateAsync(new GetReportTemplateRequest { ForceCode = "gloucestershire" })).Template;
        var defined = await Cli("define", "template", template, "--force", "gloucestershire");
        var own = await Analytics().GetPerformanceSummaryAsync(new GetPerformanceSummaryRequest { ForceCode = "gloucestershire", Month = March2019 });

        Assert.True(plain.Generated);
        Assert.Contains("Crime and safety", plainSummary.Sections.Select(s => s.Name));
        Assert.DoesNotContain(plainSummary.Sections, s => s.Name.Contains("West Mercia", StringComparison.Ordinal));
        Assert.True(dryRun.Exit == 0, dryRun.Error);
        Assert.True(afterDryRun.Generated, "a dry run stores nothing");
        Assert.True(defined.Exit == 0, defined.Error);
        Assert.Contains("Keeping Gloucestershire Safe", defined.Output, StringComparison.Ordinal);
        Assert.Equal(["Keeping Gloucestershire Safe", "Answering the Public"], own.Sections.Select(s => s.Name));
        Assert.Equal(["All crime", "Burglary"], own.Sections[0].Rows.Select(r => r.Topic));
        Assert.Equal("Monthly", own.Sections[0].Rows[0].Inclusion);
    }

    [Fact]
    public async Task ATemplateNamingAMeasureTheForceDoesNotUseIsRefusedNamingItAndTheOneBeforeIsKept()
    {
        var measures = _server.Measures();
        var before = (await measures.GetReportTemplateAsync(new GetReportTemplateRequest { ForceCode = "west-mercia" })).Template;

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await measures.DefineReportTemplateAsync(new DefineReportTemplateRequest
        {
            ForceCode = "west-mercia",
            Topics =
            {
                new ReportTopic { Section = "Crime", Topic = "All crime", MeasureId = "total_recorded_crime" },
                new ReportTopic { Section = "Crime", Topic = "Spaceship theft", MeasureId = "spaceship_theft" },
            },
        }));
        var after = (await measures.GetReportTemplateAsync(new GetReportTemplateRequest { ForceCode = "west-mercia" })).Template;

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal(["topics[1].measure_id"], ErrorRead.Fields(refused));
        Assert.Contains("measure 'spaceship_theft' is not one West Mercia uses", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task ADefinedTemplateIsABatchWhoseUndoPutsTheOneBeforeBackAndWhoseRedoRestoresIt()
    {
        var measures = _server.Measures();
        var seeded = (await measures.GetReportTemplateAsync(new GetReportTemplateRequest { ForceCode = "west-mercia" })).Template;
        var defined = await measures.DefineReportTemplateAsync(new DefineReportTemplateRequest
        {
            ForceCode = "west-mercia",
            Topics = { new ReportTopic { Section = "Crime", Topic = "All crime", MeasureId = "total_recorded_crime", Noun = "offences" } },
        });
        var afterDefine = (await measures.GetReportTemplateAsync(new GetReportTemplateRequest { ForceCode = "west-mercia" })).Template;

        var undo = await measures.UndoImportAsync(new UndoImportRequest { ImportId = defined.Import.ImportId });
        var afterUndo = (await measures.GetReportTemplateAsync(new GetReportTemplateRequest { ForceCode = "west-mercia" })).Template;
        var undoAgain = await Assert.ThrowsAsync<RpcException>(async () => await measures.UndoImportAsync(new UndoImportRequest { ImportId = defined.Import.ImportId }));
        await measures.UndoImportAsync(new UndoImportRequest { ImportId = undo.Import.ImportId });
        var afterRedo = (await measures.GetReportTemplateAsync(new GetReportTemplateRequest { ForceCode = "west-mercia" })).Template;

        Assert.Equal(ImportKind.ReportTemplate, defined.Import.Kind);
        Assert.Equal(["All crime"], afterDefine.Topics.Select(t => t.Topic));
        Assert.Equal(seeded, afterUndo);
        Assert.Equal(StatusCode.FailedPrecondition, undoAgain.StatusCode);
        Assert.Equal($"import {defined.Import.ImportId} was undone by import {undo.Import.ImportId}; undo {undo.Import.ImportId} to restore it", undoAgain.Status.Detail);
        Assert.Equal(afterDefine, afterRedo);
    }

    private AnalyticsService.AnalyticsServiceClient Analytics() => new(_server.CreateChannel());

    private Task<(int Exit, string Output, string Error)> Cli(params string[] args) =>
        CliRunner.RunAsync(_ => _server.CreateChannel(), args);
}
