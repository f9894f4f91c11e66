using Metrics.Domain.Catalogue;
using Metrics.Server.Analytics;
using Metrics.Server.History;
using Metrics.Server.Imports;
using Metrics.Storage.Repositories;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Seeding;

/// <summary>Where the seed data is, and whether to load it. Bound from "Seed".</summary>
public sealed class SeedOptions
{
    public const string SectionName = "Seed";

    /// <summary>Load the seed data at start: the catalogue, the areas, and report figures not yet imported.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Folder of the seed files; empty for the "Seed" folder beside the server.</summary>
    public string Directory { get; set; } = string.Empty;
}

/// <summary>
/// Loads the seed data through the same definitions and import path as any client. The
/// catalogue and areas are upserted every start; each figures file is imported once,
/// recognised by its source name in the import batches, so a newer seed file loads on an
/// existing database without doubling anything.
/// </summary>
internal sealed partial class SeedLoader(
    IOptions<SeedOptions> options,
    CatalogueDefinitions definitions,
    ReportTemplates templates,
    PublishedFigureRepository publishedFigures,
    ObservationImporter importer,
    ImportRepository imports,
    ILogger<SeedLoader> logger)
{
    public const string SourcePrefix = "seed:";

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var folder = string.IsNullOrEmpty(options.Value.Directory)
            ? Path.Combine(AppContext.BaseDirectory, "Seed")
            : options.Value.Directory;
        await definitions.DefineMeasuresAsync(SeedFiles.ReadMeasures(Path.Combine(folder, SeedFiles.MeasuresFile)), DefinedFields.Every, dryRun: false, cancellationToken);

        var imported = (await imports.ListAsync(int.MaxValue, cancellationToken)).Select(b => b.Source).ToHashSet(StringComparer.Ordinal);
        foreach (var forceFolder in System.IO.Directory.GetDirectories(Path.Combine(folder, SeedFiles.ForcesFolder)).Order(StringComparer.Ordinal))
        {
            var (force, areas) = SeedFiles.ReadForce(Path.Combine(forceFolder, SeedFiles.AreasFile));
            await definitions.DefineForceAsync(force, areas, DefinedFields.Every, "", dryRun: false, cancellationToken, retireLeftOut: false);
            var template = Path.Combine(forceFolder, SeedFiles.TemplateFile);
            if (File.Exists(template) && !await templates.HasOwnAsync(force.Code, cancellationToken))
            {
                // The seed's template is the force's first; one the force defines since is kept.
                await templates.DefineAsync(force.Code, SeedFiles.ReadTemplate(template), "", dryRun: false, cancellationToken);
            }

            // What the force published that its months cannot give: stored as published at every start (the same again changes nothing).
            var published = System.IO.Directory.GetFiles(forceFolder, SeedFiles.PublishedPattern).Order(StringComparer.Ordinal).ToList();
            foreach (var file in published)
            {
                await publishedFigures.StoreAsync(SeedFiles.ReadPublished(file), cancellationToken);
            }

            foreach (var file in System.IO.Directory.GetFiles(forceFolder, "*.csv")
                .Where(f => Path.GetFileName(f) is not (SeedFiles.AreasFile or SeedFiles.TemplateFile) && !published.Contains(f)).Order(StringComparer.Ordinal))
            {
                var source = SourcePrefix + Path.GetRelativePath(folder, file).Replace('\\', '/');
                if (imported.Contains(source))
                {
                    continue;
                }

                try
                {
                    var result = await importer.ImportAsync(new ImportHeader(force.Code, source), SeedFiles.ReadObservations(file).ToAsyncEnumerable(), cancellationToken);
                    LogSeeded(source, result.FiguresWritten);
                }
                catch (ImportRefusedException refused)
                {
                    throw new InvalidDataException($"Seed file {source}: {refused.Message}", refused);
                }
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Seeded {Source}: {Figures} figures")]
    private partial void LogSeeded(string source, long figures);
}
