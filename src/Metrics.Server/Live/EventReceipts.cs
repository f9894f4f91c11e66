using Metrics.Domain.Operations;

namespace Metrics.Server.Live;

/// <summary>What a publisher does about a refused event depends on why: these are the whys.</summary>
internal enum EventRejection
{
    /// <summary>A field is missing or not valid: the event will never be taken as it is.</summary>
    Malformed = 1,

    /// <summary>The area is not defined (yet): the event can be sent again once it is.</summary>
    UnknownArea = 2,

    /// <summary>Its time is further ahead of the server's clock than clocks differ: check the clocks, then send it again.</summary>
    AheadOfServerClock = 3,

    /// <summary>Its source and id are stored already for an event that says something else.</summary>
    IdReused = 4,
}

/// <summary>Why an event is refused: the kind of refusal, the field as a force system sends it, and what is wrong with it.</summary>
internal sealed record EventProblem(EventRejection Rejection, string Field, string Detail)
{
    /// <summary>"occurred_at: is required".</summary>
    public string Reason => $"{Field}: {Detail}";

    public static EventProblem Malformed(string field, string detail) => new(EventRejection.Malformed, field, detail);
}

/// <summary>An event as it arrived: the event, or why none could be read from it, and the identity it was sent with.</summary>
internal sealed record EventReading(string Source, string EventId, OperationalEvent? Event, EventProblem? Problem);

/// <summary>An event of a batch that was not taken: its place in the batch, its identity and why.</summary>
internal sealed record RejectedEvent(int Index, string Source, string EventId, EventProblem Problem);

/// <summary>What became of a batch: stored for the first time, already stored, judged late, refused.</summary>
internal sealed record BatchReceipt(int Accepted, int Duplicates, IReadOnlyList<(string Source, string EventId)> Late, IReadOnlyList<RejectedEvent> Rejected);
