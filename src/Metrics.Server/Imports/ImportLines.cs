using Metrics.Domain.Calendar;
using Metrics.Domain.Observations;
using Metrics.Storage.Repositories;

namespace Metrics.Server.Imports;

/// <summary>
/// What an import is: whose figures, from where, who sends them, whether to add the totals of
/// every breakdown level, whether to store the valid rows of a file with refused ones, and
/// whether to store anything at all (a dry run). <see cref="Months"/> is the declared scope of an
/// import that owns whole months (a police.uk file is one month of one force).
/// </summary>
internal sealed record ImportHeader(string ForceCode, string Source, bool AddTotals = false)
{
    public string Subject { get; init; } = "";

    public bool SkipInvalid { get; init; }

    public bool DryRun { get; init; }

    public IReadOnlyList<YearMonth> Months { get; init; } = [];

    public BatchDescription Describe(string kind, DateTimeOffset startedAt, long read, long rejected, string forceCode, string source) =>
        new(kind, source, forceCode, Subject, startedAt, read, rejected);
}

/// <summary>
/// One line of an import as it arrived: the row, or why it could not be read as one (a month that
/// is no month). <see cref="LineNumber"/> is the line in the sender's file, or 0 to count lines as they come.
/// </summary>
internal readonly record struct ImportLine<T>(long LineNumber, T? Row, RowProblem? Problem)
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

/// <summary>A line the import left out: the field at fault (empty for the row as a whole), and why.</summary>
internal sealed record RowProblem(long LineNumber, string Field, string Reason)
{
    /// <summary>Why, as a sender branches on it: most lines are malformed; some name what is not defined yet.</summary>
    public RowRefusal Refusal { get; init; } = RowRefusal.Malformed;
}

/// <summary>What a sender does about a refused line depends on why.</summary>
internal enum RowRefusal
{
    /// <summary>A field missing or not valid: fix the line.</summary>
    Malformed = 1,

    /// <summary>The measure is not defined (yet): define it, then send the line again.</summary>
    UnknownMeasure = 2,

    /// <summary>The area is not the force's (yet): define it, then send the line again.</summary>
    UnknownArea = 3,

    /// <summary>The line repeats another line's figure in the same import.</summary>
    Repeated = 4,
}

/// <summary>
/// What an import stored (or, on a dry run, would store: <see cref="Batch"/> is null): the
/// months it holds, how the figures of its scope change, and the first lines it refused.
/// </summary>
internal sealed record ImportResult(
    ImportBatch? Batch, string Source, DateTimeOffset StartedAt, long RowsRead, long RowsRejected, long FiguresWritten,
    IReadOnlyList<YearMonth> Months, FigureChanges Changes, IReadOnlyList<RowProblem> Problems);

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

    public void Add(long line, string field, string reason) => Add(new RowProblem(line, field, reason));

    public void Add(RowProblem problem)
    {
        Count++;
        if (first.Count < MaxReported)
        {
            first.Add(problem);
        }
    }

    /// <summary>All or nothing: unless the header says to skip them, a refused row refuses the import.</summary>
    public void RefuseUnlessSkipped(ImportHeader header, long read)
    {
        if (Count > 0 && !header.SkipInvalid)
        {
            throw new ImportRefusedException(read, Count, first);
        }
    }
}

/// <summary>
/// An import with refused rows, which stores nothing: every refused row (the first hundred) by
/// line, field and reason. Sent as INVALID_ARGUMENT with the rows as field violations.
/// </summary>
internal sealed class ImportRefusedException(long read, long refused, IReadOnlyList<RowProblem> problems)
    : Exception(Describe(read, refused, problems))
{
    public long RowsRead { get; } = read;

    public long RowsRefused { get; } = refused;

    public IReadOnlyList<RowProblem> Problems { get; } = problems;

    private static string Describe(long read, long refused, IReadOnlyList<RowProblem> problems)
    {
        var first = problems.Count > 0 ? $"; first, line {problems[0].LineNumber}: {problems[0].Reason}" : "";
        return $"{refused:N0} of {read:N0} rows refused, so nothing was stored (skip_invalid stores the valid rows){first}";
    }
}
