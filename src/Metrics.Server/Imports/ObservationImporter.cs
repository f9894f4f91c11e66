using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Observations;
using Metrics.Server.History;
using Metrics.Server.Requests;
using Metrics.Storage.Repositories;

namespace Metrics.Server.Imports;

/// <summary>
/// Stores monthly figures sent as rows: every row is checked, rows that cannot be stored are
/// reported by line and left out, and the rest replace what is stored for the same measure,
/// area and period, in one transaction. The seed data goes through here too.
/// </summary>
internal sealed class ObservationImporter(CatalogueLookup lookup, ImportRepository imports, TimeProvider clock)
{
    public const string Kind = "observations";
    private static readonly int[] PeriodLengths = [1, 3, 12];

    public async Task<ImportResult> ImportAsync(ImportHeader header, IAsyncEnumerable<ImportLine<FigureRow>> lines, CancellationToken cancellationToken)
    {
        var startedAt = clock.GetUtcNow();
        var forceCode = Validate.Key(header.ForceCode, "header.force_code");
        var source = Validate.Text(header.Source, "header.source", Storage.StoredText.SourceLength);
        var force = await lookup.ForceAsync(forceCode, cancellationToken);
        var measures = (await lookup.MeasuresAsync(cancellationToken)).ToDictionary(m => m.Id);
        var problems = new ImportProblems();
        var accepted = new List<Observation>();
        var seen = new Dictionary<(string, string, Period, string), long>();
        long read = 0;

        await foreach (var (lineNumber, row, unreadable) in lines.WithCancellation(cancellationToken))
        {
            read++;
            var line = lineNumber > 0 ? lineNumber : read;
            var (observation, why) = row is null ? (null, unreadable) : Check(row, force, measures, header.AddTotals);
            if (observation is not null)
            {
                var key = (observation.MeasureId, observation.AreaCode, observation.Period, observation.Breakdown);
                if (seen.TryGetValue(key, out var firstLine))
                {
                    why = $"repeats the figure of line {firstLine}";
                    observation = null;
                }
                else
                {
                    seen[key] = line;
                }
            }

            if (observation is null)
            {
                problems.Add(line, why!);
                continue;
            }

            accepted.Add(observation);
        }

        var figures = header.AddTotals
            ? ObservationTotals.AddTotals(accepted, code => code == force.Force.Code ? null : force.Find(code)?.ParentCode)
            : accepted;
        var scope = ReplaceScope.Of(figures);
        var batch = await imports.StoreAsync(
            Kind, source, force.Force.Code, startedAt, read, problems.Count, scope, figures, clock, cancellationToken);
        return new ImportResult(batch, [.. figures.Select(f => f.Period.First).Distinct().Order()], problems.First);
    }

    private static (Observation? Observation, string? Why) Check(
        FigureRow row, ForceAreas force, Dictionary<string, MeasureDefinition> measures, bool addTotals)
    {
        if (string.IsNullOrWhiteSpace(row.MeasureId) || !measures.TryGetValue(row.MeasureId.Trim(), out var measure))
        {
            return (null, $"measure_id '{row.MeasureId}' is not in the catalogue");
        }

        var area = string.IsNullOrWhiteSpace(row.Area) ? null : force.Find(row.Area);
        if (area is null)
        {
            return (null, $"area '{row.Area}' is not an area of {force.Force.Name}");
        }

        var months = row.Months == 0 ? 1 : row.Months;
        if (!PeriodLengths.Contains(months))
        {
            return (null, $"months is {row.Months}; a period is 1, 3 or 12 months");
        }

        var breakdown = Breakdowns.Join(row.BreakdownPath);
        if (breakdown.Length > Validate.MaxBreakdownLength)
        {
            return (null, $"breakdown is {breakdown.Length} characters; the most is {Validate.MaxBreakdownLength}");
        }

        var (value, numerator, denominator) = (row.Value, row.Numerator, row.Denominator);
        if (new[] { value, numerator, denominator }.Any(f => f is { } x && (!double.IsFinite(x) || x < 0)))
        {
            return (null, "figures must be finite and not negative");
        }

        if (numerator.HasValue != denominator.HasValue)
        {
            return (null, "numerator and denominator go together");
        }

        if (value is null && numerator is null)
        {
            return (null, "has no figure: give value, or numerator and denominator");
        }

        if (measure.Unit == MeasureUnit.Count && value is null)
        {
            return (null, $"{measure.Id} is a count: give value");
        }

        if (addTotals && measure.Unit != MeasureUnit.Count)
        {
            return (null, $"add_totals sums counts, and {measure.Id} is not a count");
        }

        return (new Observation(measure.Id, area.Code, new Period(row.Month, months), breakdown, value, numerator, denominator), null);
    }
}
