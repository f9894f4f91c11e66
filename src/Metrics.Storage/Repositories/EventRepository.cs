using System.Data.Common;
using Dapper;
using Metrics.Domain.Operations;
using Metrics.Storage.Engines;

namespace Metrics.Storage.Repositories;

/// <summary>What a batch's storing did: the events stored for the first time (in arrival order) and how many were already known.</summary>
public sealed record StoredBatch(IReadOnlyList<StoredEvent> Stored, int Duplicates);

/// <summary>
/// The operational events, stored before they are acknowledged. An event id is stored once:
/// publishing it again is a duplicate, acknowledged and not counted.
/// </summary>
public sealed class EventRepository(Database database)
{
    public const string InsertEvent = """
        INSERT INTO operational_event (event_id, kind, occurred_at_ms, received_at_ms, late, subject_id, line, area_code, grade, wait_ms)
        VALUES (@EventId, @Kind, @OccurredAtMs, @ReceivedAtMs, @Late, @SubjectId, @Line, @AreaCode, @Grade, @WaitMs);
        """;

    public const string SelectSequences = """
        SELECT event_sequence, event_id FROM operational_event WHERE event_id IN @Ids;
        """;

    /// <summary>SQL Server takes at most 2,100 parameters a command; IN lists stay well under.</summary>
    private const int IdsPerQuery = 1000;

    /// <summary>Stores the events not stored before, in one transaction, in the order given.</summary>
    public async Task<StoredBatch> StoreAsync(
        IReadOnlyList<(OperationalEvent Event, bool Late)> events, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in events.Select(e => e.Event.EventId).Distinct().Chunk(IdsPerQuery))
        {
            known.UnionWith(await connection.QueryAsync<string>(Command(database.Dialect.SelectKnownEventIds, new { Ids = chunk }, cancellationToken, transaction)));
        }

        var fresh = new List<(OperationalEvent Event, bool Late)>();
        foreach (var e in events)
        {
            if (known.Add(e.Event.EventId))
            {
                fresh.Add(e);
            }
        }

        await connection.ExecuteAsync(Command(InsertEvent, fresh.Select(e => EventRow.From(e.Event, e.Late, receivedAt)), cancellationToken, transaction));
        var sequences = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var chunk in fresh.Select(e => e.Event.EventId).Chunk(IdsPerQuery))
        {
            foreach (var (sequence, id) in await connection.QueryAsync<(long, string)>(Command(SelectSequences, new { Ids = chunk }, cancellationToken, transaction)))
            {
                sequences[id] = sequence;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new StoredBatch(
            [.. fresh.Select(e => new StoredEvent(sequences[e.Event.EventId], e.Event, e.Late)).OrderBy(e => e.Sequence)],
            events.Count - fresh.Count);
    }

    /// <summary>Every stored event after a sequence number, in arrival order, a page at a time.</summary>
    public async IAsyncEnumerable<StoredEvent> ReadAfterAsync(long after, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken, int pageSize = 10_000)
    {
        while (true)
        {
            List<EventRow> page;
            await using (var connection = await database.OpenAsync(cancellationToken))
            {
                page = [.. await connection.QueryAsync<EventRow>(Command(database.Dialect.SelectEventsAfter, new { After = after, Limit = pageSize }, cancellationToken))];
            }

            foreach (var row in page)
            {
                yield return row.ToStoredEvent();
            }

            if (page.Count < pageSize)
            {
                yield break;
            }

            after = page[^1].EventSequence;
        }
    }

    private CommandDefinition Command(string sql, object? parameters, CancellationToken cancellationToken, DbTransaction? transaction = null) =>
        new(sql, parameters, transaction, database.CommandTimeoutSeconds, cancellationToken: cancellationToken);

    private enum EventKind
    {
        CallOffered = 1,
        CallAnswered = 2,
        CallAbandoned = 3,
        IncidentOpened = 4,
        IncidentResourced = 5,
        IncidentAttended = 6,
        IncidentClosed = 7,
        IntelligenceSubmitted = 8,
        IntelligenceProcessed = 9,
    }

    /// <summary>One row per event: the kind, the id of what it is about, and the fields some kinds carry.</summary>
    private sealed class EventRow
    {
        public long EventSequence { get; set; }

        public string EventId { get; set; } = "";

        public long Kind { get; set; }

        public long OccurredAtMs { get; set; }

        public long ReceivedAtMs { get; set; }

        public bool Late { get; set; }

        public string SubjectId { get; set; } = "";

        public long? Line { get; set; }

        public string? AreaCode { get; set; }

        public long? Grade { get; set; }

        public long? WaitMs { get; set; }

        public static EventRow From(OperationalEvent e, bool late, DateTimeOffset receivedAt)
        {
            var row = new EventRow
            {
                EventId = e.EventId,
                OccurredAtMs = e.OccurredAt.ToUnixTimeMilliseconds(),
                ReceivedAtMs = receivedAt.ToUnixTimeMilliseconds(),
                Late = late,
            };
            (row.Kind, row.SubjectId) = e switch
            {
                CallOffered c => ((long)EventKind.CallOffered, c.CallId),
                CallAnswered c => ((long)EventKind.CallAnswered, c.CallId),
                CallAbandoned c => ((long)EventKind.CallAbandoned, c.CallId),
                IncidentOpened i => ((long)EventKind.IncidentOpened, i.IncidentId),
                IncidentResourced i => ((long)EventKind.IncidentResourced, i.IncidentId),
                IncidentAttended i => ((long)EventKind.IncidentAttended, i.IncidentId),
                IncidentClosed i => ((long)EventKind.IncidentClosed, i.IncidentId),
                IntelligenceSubmitted r => ((long)EventKind.IntelligenceSubmitted, r.ReportId),
                IntelligenceProcessed r => ((long)EventKind.IntelligenceProcessed, r.ReportId),
                _ => throw new ArgumentException($"unknown event {e.GetType().Name}", nameof(e)),
            };
            (row.Line, row.WaitMs) = e switch
            {
                CallOffered c => ((long)c.Line, (long?)null),
                CallAnswered c => ((long)c.Line, (long)c.Wait.TotalMilliseconds),
                CallAbandoned c => ((long)c.Line, (long)c.Wait.TotalMilliseconds),
                _ => ((long?)null, (long?)null),
            };
            (row.AreaCode, row.Grade) = e switch
            {
                IncidentOpened i => (i.AreaCode, (long)i.Grade),
                IntelligenceSubmitted r => (r.AreaCode, (long?)null),
                _ => ((string?)null, (long?)null),
            };
            return row;
        }

        public StoredEvent ToStoredEvent()
        {
            var at = DateTimeOffset.FromUnixTimeMilliseconds(OccurredAtMs);
            var line = (CallLine)(Line ?? 0);
            var wait = TimeSpan.FromMilliseconds(WaitMs ?? 0);
            OperationalEvent e = (EventKind)Kind switch
            {
                EventKind.CallOffered => new CallOffered(EventId, at, SubjectId, line),
                EventKind.CallAnswered => new CallAnswered(EventId, at, SubjectId, line, wait),
                EventKind.CallAbandoned => new CallAbandoned(EventId, at, SubjectId, line, wait),
                EventKind.IncidentOpened => new IncidentOpened(EventId, at, SubjectId, AreaCode ?? "", (IncidentGrade)(Grade ?? 0)),
                EventKind.IncidentResourced => new IncidentResourced(EventId, at, SubjectId),
                EventKind.IncidentAttended => new IncidentAttended(EventId, at, SubjectId),
                EventKind.IncidentClosed => new IncidentClosed(EventId, at, SubjectId),
                EventKind.IntelligenceSubmitted => new IntelligenceSubmitted(EventId, at, SubjectId, AreaCode ?? ""),
                EventKind.IntelligenceProcessed => new IntelligenceProcessed(EventId, at, SubjectId),
                _ => throw new InvalidDataException($"event {EventId} has unknown kind {Kind}"),
            };
            return new StoredEvent(EventSequence, e, Late);
        }
    }
}
