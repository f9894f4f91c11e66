namespace Metrics.Domain.Requests;

/// <summary>
/// A request that cannot be answered for a reason its caller can act on. Queries and commands
/// throw these in the service's own words; the protocol edge turns each kind into its status
/// (NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION) with the message as it is.
/// </summary>
public abstract class RequestException(string message) : Exception(message);

/// <summary>A measure, area, force or figure the request names does not exist.</summary>
public sealed class NotFoundException : RequestException
{
    /// <summary>"measure 'x' does not exist".</summary>
    public NotFoundException(string what, string key)
        : base($"{what} '{Quoted.Text(key)}' does not exist")
    {
    }

    /// <summary>The thing exists but holds nothing for what was asked ("no figure for Mar 2019").</summary>
    public NotFoundException(string message)
        : base(message)
    {
    }
}

/// <summary>A field of the request is missing or wrong; the message names it first.</summary>
public sealed class InvalidFieldException(string field, string reason) : RequestException($"{field}: {reason}")
{
    public string Field { get; } = field;

    public string Reason { get; } = reason;

    public static InvalidFieldException Required(string field) => new(field, "is required");
}

/// <summary>The request is valid but the stored data cannot answer it yet (a series too short).</summary>
public sealed class NotEnoughDataException(string message) : RequestException(message);

/// <summary>
/// The request is valid, but the stored data is no longer in the state it needs (an undo after a
/// later change to the same figures); the message says what to do first.
/// </summary>
public sealed class ConflictException(string message) : RequestException(message);
