using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Observations;
using Metrics.Domain.Requests;
using Metrics.Server.History;
using Metrics.Server.Requests;
using Metrics.Storage.Repositories;

namespace Metrics.Server.Imports;

/// <summary>
/// Stores monthly figures sent as rows: every row is checked, and a row that cannot be stored
/// refuses the whole import (or, when the header says so, is reported by line and left out).
/// The figures replace what is stored for the same measure, area and period, every breakdown,
/// and nothing else, as one undoable batch. The seed data goes through here too.
/// </summary>
internal sealed class ObservationImporter(CatalogueLookup lookup, ImportRepository imports, ObservationRepository observations, TimeProvider clock)
{
    public const string Kind = "observations";
    private static readonly int[] PeriodLengths = [1, 3, 12];

    /// <summary>Checks and stores the rows; <paramref name="repeat"/>, when the caller gave a request id, is recorded with the batch.</summary>
    public async Task<ImportResult> ImportAsync(
        ImportHeader header, IAsyncEnumerable<ImportLine<FigureRow>> lines, CancellationToken cancellationToken, Repeatable<ImportResult>? repeat = null)
    {
        var startedAt = clock.GetUtcNow();
        var forceCode = Validate.Key(header.ForceCode, "header.force_code");
        var source = Validate.Text(header.Source, "header.source", Storage.StoredText.SourceLength);
        var force = await lookup.ForceAsync(forceCode, cancellationToken);
        var measures = (await lookup.MeasuresForAsync(force.Force.Code, cancellationToken)).ToDictionary(m => m.Id);
        var othersOwn = (await lookup.MeasuresAsync(cancellationToken)).Where(m => !m.IsFor(force.Force.Code)).ToDictionary(m => m.Id, m => m.ForceCode!);
        var problems = new ImportProblems();
        var accepted = new List<Observation>();
        var seen = new Dictionary<(string, string, Period, string), long>();
        long read = 0;

        await foreach (var (lineNumber, row, unreadable) in lines.WithCancellation(cancellationToken))
        {
            read++;
            var line = lineNumber > 0 ? lineNumber : read;
            var (observation, problem) = row is null ? (null, unreadable! with { LineNumber = line }) : Check(line, row, force, measures, othersOwn, header.AddTotals);
            if (observation is not null)
            {
                var key = (observation.MeasureId, observation.AreaCode, observation.Period, observation.Breakdown);
                if (seen.TryGetValue(key, out var firstLine))
                {
                    problem = new RowProblem(line, "", $"repeats the figure of line {firstLine}") { Refusal = RowRefusal.Repeated };
                    observation = null;
                }
                else
                {
                    seen[key] = line;
                }
            }

            if (observation is null)
            {
                problems.Add(problem!);
                continue;
            }

            accepted.Add(observation);
        }

        problems.RefuseUnlessSkipped(header, read);
        if (accepted.Count == 0)
        {
            throw new InvalidFieldException("rows", read == 0 ? "the import has no rows" : "no row of the import can be stored");
        }

        var figures = header.AddTotals ? await WithTotalsAsync(accepted, force, cancellationToken) : accepted;
        ImportResult Result(StoredChange stored) => new(
            stored.Batch, source, startedAt, read, problems.Count, figures.Count,
            [.. figures.Select(f => f.Period.First).Distinct().Order()], stored.Changes, problems.First);
        var stored = await imports.StoreAsync(
            header.Describe(Kind, startedAt, read, problems.Count, force.Force.Code, source) with { Request = repeat?.Answering(Result) },
            ReplaceScope.Of(figures), figures, versioned: true, header.DryRun, clock, cancellationToken);
        return Result(stored);
    }

    /// <summary>
    /// The rows with every total above them. A parent area sums all its areas: those the import
    /// leaves out count as stored, so re-importing one borough moves the force total by that
    /// borough's change and keeps the force's breakdowns. (Read before the import's transaction:
    /// two imports of different areas of one force at the same moment may each miss the other's.)
    /// </summary>
    private async Task<IReadOnlyList<Observation>> WithTotalsAsync(List<Observation> leaves, ForceAreas force, CancellationToken cancellationToken)
    {
        string? ParentOf(string code) => code == force.Force.Code ? null : force.Find(code)?.ParentCode;
        var children = force.Areas.Where(a => a.ParentCode is not null).ToLookup(a => a.ParentCode!, a => a.Code, StringComparer.Ordinal);
        var needed = ObservationTotals.StoredCellsNeeded(leaves, ParentOf, code => children[code]);
        var stored = new List<Observation>();
        foreach (var group in needed.GroupBy(c => (c.MeasureId, c.AreaCode, c.Period.Months)))
        {
            var periods = group.Select(c => c.Period).ToHashSet();
            var read = await observations.GetPeriodsAsync(
                group.Key.MeasureId, group.Key.AreaCode, group.Key.Months, periods.Min(p => p.First), periods.Max(p => p.First), cancellationToken);
            stored.AddRange(read.Where(o => periods.Contains(o.Period)));
        }

        return ObservationTotals.AddTotals(leaves, ParentOf, code => children[code], stored);
    }

    private static (Observation? Observation, RowProblem? Problem) Check(
        long line, FigureRow row, ForceAreas force, Dictionary<string, MeasureDefinition> measures, Dictionary<string, string> othersOwn, bool addTotals)
    {
        RowProblem Refused(string field, string reason) => new(line, field, reason);

        if (string.IsNullOrWhiteSpace(row.MeasureId) || !measures.TryGetValue(row.MeasureId.Trim(), out var measure))
        {
            var why = othersOwn.TryGetValue(row.MeasureId.Trim(), out var owner)
                ? $"measure_id '{Quoted.Text(row.MeasureId)}' is {owner}'s own measure, not {force.Force.Name}'s"
                : $"measure_id '{Quoted.Text(row.MeasureId)}' is not in the catalogue";
            return (null, Refused("measure_id", why) with { Refusal = RowRefusal.UnknownMeasure });
        }

        var area = string.IsNullOrWhiteSpace(row.Area) ? null : force.Find(row.Area);
        if (area is null)
        {
            return (null, Refused("area", $"area '{Quoted.Text(row.Area)}' is not an area of {force.Force.Name}") with { Refusal = RowRefusal.UnknownArea });
        }

        var months = row.Months == 0 ? 1 : row.Months;
        if (!PeriodLengths.Contains(months))
        {
            return (null, Refused("months", $"months is {row.Months}; a period is 1, 3 or 12 months"));
        }

        var breakdown = Breakdowns.Join(row.BreakdownPath);
        if (breakdown.Length > Validate.MaxBreakdownLength)
        {
            return (null, Refused("breakdown_path", $"breakdown is {breakdown.Length} characters; the most is {Validate.MaxBreakdownLength}"));
        }

        var (value, numerator, denominator) = (row.Value, row.Numerator, row.Denominator);
        foreach (var (field, figure) in new[] { ("value", value), ("numerator", numerator), ("denominator", denominator) })
        {
            if (figure is { } x && (!double.IsFinite(x) || x < 0))
            {
                return (null, Refused(field, double.IsFinite(x)
                    ? $"{field} is {x}; a figure of {measure.Id} cannot be negative"
                    : $"{field} is {x}; figures must be finite"));
            }
        }

        if (numerator.HasValue != denominator.HasValue)
        {
            return (null, Refused(numerator.HasValue ? "denominator" : "numerator", "numerator and denominator go together"));
        }

        if (value is null && numerator is null)
        {
            return (null, Refused("value", "has no figure: give value, or numerator and denominator"));
        }

        if (measure.Unit == MeasureUnit.Count && value is null)
        {
            return (null, Refused("value", $"{measure.Id} is a count: give value"));
        }

        if (addTotals && measure.Unit != MeasureUnit.Count)
        {
            return (null, Refused("measure_id", $"add_totals sums counts, and {measure.Id} is not a count"));
        }

        return (new Observation(measure.Id, area.Code, new Period(row.Month, months), breakdown, value, numerator, denominator), null);
    }
}
