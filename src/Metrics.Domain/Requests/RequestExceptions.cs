namespace Metrics.Domain.Requests;

/// <summary>
/// Why a request could not be answered, as a calling system branches on it: a typo (an unknown
/// measure) is never the same failure as data not loaded yet (no figure for the month).
/// </summary>
public enum RequestFailure
{
    /// <summary>A field of the request is missing or wrong.</summary>
    InvalidField = 1,

    /// <summary>No such measure.</summary>
    UnknownMeasure = 2,

    /// <summary>No such area (or not one of the force asked about).</summary>
    UnknownArea = 3,

    /// <summary>No such force.</summary>
    UnknownForce = 4,

    /// <summary>No such breakdown of the measure in the area.</summary>
    UnknownBreakdown = 5,

    /// <summary>No such import batch.</summary>
    UnknownImport = 6,

    /// <summary>The measure and area exist, but no figure is stored for the period asked (not loaded yet).</summary>
    NoFigureForPeriod = 7,

    /// <summary>Too few months are stored for what was asked.</summary>
    TooLittleHistory = 8,

    /// <summary>The stored data has changed in a way that stops the change asked (an undo after a later batch).</summary>
    ConflictingChange = 9,

    /// <summary>A viewer token that cannot be renewed (issued by the identity provider, or past its renewal limit).</summary>
    NotRenewable = 10,

    /// <summary>The request id was given before to a request with other content.</summary>
    RequestIdReused = 11,
}

/// <summary>
/// A request that cannot be answered for a reason its caller can act on. Queries and commands
/// throw these in the service's own words, with the failure and what it is about
/// (<see cref="Details"/>: "measure_id", "months_available", ...); the protocol edge turns each
/// into its status and machine-readable details, with the message as it is.
/// </summary>
public abstract class RequestException(RequestFailure failure, string message, IReadOnlyDictionary<string, string>? details = null) : Exception(message)
{
    public RequestFailure Failure { get; } = failure;

    /// <summary>What the failure is about, by name: the caller reads these instead of parsing the message.</summary>
    public IReadOnlyDictionary<string, string> Details { get; } = details ?? new Dictionary<string, string>();
}

/// <summary>A measure, area, force, breakdown or import the request names does not exist.</summary>
public sealed class NotFoundException : RequestException
{
    /// <summary>"measure 'x' does not exist".</summary>
    public NotFoundException(string what, string key)
        : base(FailureFor(what), $"{what} '{Quoted.Text(key)}' does not exist", new Dictionary<string, string> { [DetailFor(what)] = key })
    {
    }

    /// <summary>In the request's own words ("breakdown 'x' does not exist for robbery in lpa; the stored breakdowns are ...").</summary>
    public NotFoundException(RequestFailure failure, string message, IReadOnlyDictionary<string, string>? details = null)
        : base(failure, message, details)
    {
    }

    private static RequestFailure FailureFor(string what) => what switch
    {
        "measure" => RequestFailure.UnknownMeasure,
        "area" => RequestFailure.UnknownArea,
        "force" => RequestFailure.UnknownForce,
        "breakdown" => RequestFailure.UnknownBreakdown,
        "import" => RequestFailure.UnknownImport,
        _ => throw new ArgumentException($"'{what}' is not a thing a request names", nameof(what)),
    };

    private static string DetailFor(string what) => what switch
    {
        "measure" => "measure_id",
        "import" => "import_id",
        _ => $"{what}_code",
    };
}

/// <summary>A field of the request is missing or wrong; the message names it first.</summary>
public sealed class InvalidFieldException(
    string field, string reason, RequestFailure failure = RequestFailure.InvalidField, IReadOnlyDictionary<string, string>? details = null)
    : RequestException(failure, $"{field}: {reason}", details)
{
    public string Field { get; } = field;

    public string Reason { get; } = reason;

    public static InvalidFieldException Required(string field) => new(field, "is required");
}

/// <summary>The measure and area exist, but nothing is stored for the period asked: it may be loaded later.</summary>
public sealed class NoFigureException(string message, IReadOnlyDictionary<string, string>? details = null)
    : RequestException(RequestFailure.NoFigureForPeriod, message, details);

/// <summary>The request is valid but the stored data cannot answer it yet (a series too short): says how many months there are and how many it needs.</summary>
public sealed class NotEnoughDataException(string message, int monthsAvailable, int monthsNeeded)
    : RequestException(
        RequestFailure.TooLittleHistory,
        message,
        new Dictionary<string, string>
        {
            ["months_available"] = monthsAvailable.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["months_needed"] = monthsNeeded.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
{
    public int MonthsAvailable { get; } = monthsAvailable;

    public int MonthsNeeded { get; } = monthsNeeded;
}

/// <summary>
/// The request is valid, but the stored data (or the caller's identity) is not in the state it
/// needs (an undo after a later change to the same figures); the message says what to do first.
/// </summary>
public sealed class ConflictException(string message, RequestFailure failure = RequestFailure.ConflictingChange) : RequestException(failure, message);
