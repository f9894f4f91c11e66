using Google.Protobuf.WellKnownTypes;
using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Observations;
using Metrics.Server.Grpc;
using Metrics.Server.History;
using Metrics.Storage.Repositories;
using V1 = Metrics.Contracts.V1;

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

    public async Task<V1.ImportSummary> ImportAsync(
        V1.ObservationImportHeader header, IAsyncEnumerable<V1.ObservationRow> rows, CancellationToken cancellationToken)
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

        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            read++;
            var line = row.LineNumber > 0 ? row.LineNumber : read;
            var (observation, why) = Check(row, force, measures, header.AddTotals);
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
        return Summarise(batch, figures.Select(f => f.Period.First).Distinct().Order(), problems);
    }

    internal static V1.ImportSummary Summarise(ImportBatch batch, IEnumerable<YearMonth> months, ImportProblems problems)
    {
        var summary = new V1.ImportSummary
        {
            ImportId = batch.Id,
            Source = batch.Source,
            StartedAt = Timestamp.FromDateTimeOffset(batch.StartedAt),
            FinishedAt = Timestamp.FromDateTimeOffset(batch.FinishedAt ?? batch.StartedAt),
            RowsRead = batch.RowsRead,
            RowsRejected = batch.RowsRejected,
            ObservationsWritten = batch.ObservationsWritten,
        };
        summary.Months.Add(months.Select(m => m.ToContract()));
        summary.Problems.Add(problems.First);
        return summary;
    }

    private static (Observation? Observation, string? Why) Check(
        V1.ObservationRow row, ForceAreas force, Dictionary<string, MeasureDefinition> measures, bool addTotals)
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

        if (!Validate.TryMonth(row.Month, out var month, out var monthProblem))
        {
            return (null, $"month {monthProblem}");
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

        double? value = row.HasValue ? row.Value : null;
        double? numerator = row.HasNumerator ? row.Numerator : null;
        double? denominator = row.HasDenominator ? row.Denominator : null;
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

        return (new Observation(measure.Id, area.Code, new Period(month, months), breakdown, value, numerator, denominator), null);
    }
}

/// <summary>Rows refused by an import: all are counted, the first hundred are reported by line.</summary>
internal sealed class ImportProblems
{
    public const int MostReported = 100;
    private readonly List<V1.RowProblem> first = [];

    public long Count { get; private set; }

    public IReadOnlyList<V1.RowProblem> First => first;

    public void Add(long line, string reason)
    {
        Count++;
        if (first.Count < MostReported)
        {
            first.Add(new V1.RowProblem { LineNumber = line, Reason = reason });
        }
    }
}
