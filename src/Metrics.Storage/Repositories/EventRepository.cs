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
    /// <summary>
    /// Stores the events not stored before, in one transaction, in the order given: the batch
    /// goes to the engine as one JSON array in one statement that inserts each event unless its
    /// id is known and returns the sequence numbers of those stored, so repeats (stored before,
    /// or twice in the batch) cost no extra query and no round trip per event.
    /// </summary>
    public async Task<StoredBatch> StoreAsync(
        IReadOnlyList<(OperationalEvent Event, bool Late)> events, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        // An id twice in the batch: the first is the event, the rest repeats.
        var ids = new HashSet<string>(events.Count, StringComparer.Ordinal);
        var firsts = events.Where(e => ids.Add(e.Event.EventId)).ToList();
        var rows = firsts.Count > 0 ? RowsAsJson(firsts, receivedAt) : "";
        var sequences = firsts.Count == 0
            ? []
            : await database.InTransactionAsync(
                async (connection, transaction) =>
                {
                    var stored = new Dictionary<string, long>(firsts.Count, StringComparer.Ordinal);
                    await using var insert = connection.CreateCommand();
                    insert.Transaction = transaction;
                    insert.CommandText = database.Dialect.InsertEventsIfNew;
                    insert.CommandTimeout = database.CommandTimeoutSeconds;
                    JsonRows.AddParameter(insert, "@Rows", rows);
                    await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        stored[reader.GetString(0)] = reader.GetInt64(1);
                    }

                    return stored;
                },
                cancellationToken);

        List<StoredEvent> stored =
        [
            .. firsts
                .Where(e => sequences.ContainsKey(e.Event.EventId))
                .Select(e => new StoredEvent(sequences[e.Event.EventId], e.Event, e.Late))
                .OrderBy(e => e.Sequence),
        ];
        return new StoredBatch(stored, events.Count - stored.Count);
    }

    /// <summary>
    /// The events as the insert statement reads them: a JSON array of rows, each an array of the
    /// columns in the order of <see cref="SqlDialect.EventColumns"/>.
    /// </summary>
    public static string RowsAsJson(IEnumerable<(OperationalEvent Event, bool Late)> events, DateTimeOffset receivedAt) =>
        JsonRows.Write(events, (json, e) => EventRow.From(e.Event, e.Late, receivedAt).WriteTo(json));

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

        /// <summary>The row as a JSON array of its columns, in the order of <see cref="SqlDialect.EventColumns"/>.</summary>
        public void WriteTo(System.Text.Json.Utf8JsonWriter json)
        {
            json.WriteStringValue(EventId);
            json.WriteNumberValue(Kind);
            json.WriteNumberValue(OccurredAtMs);
            json.WriteNumberValue(ReceivedAtMs);
            json.WriteNumberValue(Late ? 1 : 0);
            json.WriteStringValue(SubjectId);
            json.WriteNumberOrNull(Line);
            json.WriteStringValue(AreaCode); // null as JSON null
            json.WriteNumberOrNull(Grade);
            json.WriteNumberOrNull(WaitMs);
        }

        public static EventRow From(OperationalEvent e, bool late, DateTimeOffset receivedAt)
        {
            var row = new EventRow
            {
                EventId = StoredText.Key(e.EventId, "event_id"),
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
            row.SubjectId = StoredText.Key(row.SubjectId, "subject_id");
            row.AreaCode = StoredText.OptionalKey(row.AreaCode, "area_code");
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
