using Metrics.Domain.Calendar;
using Metrics.Storage.Repositories;

namespace Metrics.Server.Imports;

/// <summary>What an import is: whose figures, from where, and whether to add the totals of every breakdown level.</summary>
internal sealed record ImportHeader(string ForceCode, string Source, bool AddTotals = false);

/// <summary>
/// One line of an import as it arrived: the row, or why it could not be read as one (a month that
/// is no month). <see cref="LineNumber"/> is the line in the sender's file, or 0 to count lines as they come.
/// </summary>
internal readonly record struct ImportLine<T>(long LineNumber, T? Row, string? Problem)
    where T : class;

/// <summary>A monthly figure as sent: the measure and area as named, the breakdown as a path of levels.</summary>
internal sealed record FigureRow(
    string MeasureId,
    string Area,
    YearMonth Month,
    int Months,
    IReadOnlyList<string> BreakdownPath,
    double? Value,
    double? Numerator,
    double? Denominator);

/// <summary>A line the import left out, and why.</summary>
internal sealed record RowProblem(long LineNumber, string Reason);

/// <summary>What an import stored: its batch, the months it holds, and the first lines it refused.</summary>
internal sealed record ImportResult(ImportBatch Batch, IReadOnlyList<YearMonth> Months, IReadOnlyList<RowProblem> Problems);

/// <summary>A street-level import's result, with the counts a police.uk analyst checks against the files.</summary>
internal sealed record StreetCrimeImportResult(
    ImportResult Import, long Crimes, long AntiSocialBehaviourIncidents, long UnplacedNoLocation, long UnplacedOutsideAreas, long OtherForce);

/// <summary>Rows refused by an import: all are counted, the first hundred are reported by line.</summary>
internal sealed class ImportProblems
{
    public const int MaxReported = 100;
    private readonly List<RowProblem> first = [];

    public long Count { get; private set; }

    public IReadOnlyList<RowProblem> First => first;

    public void Add(long line, string reason)
    {
        Count++;
        if (first.Count < MaxReported)
        {
            first.Add(new RowProblem(line, reason));
        }
    }
}
