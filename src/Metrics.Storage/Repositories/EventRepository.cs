using System.Data.Common;
using Dapper;
using Metrics.Domain.Operations;
using Metrics.Storage.Engines;

namespace Metrics.Storage.Repositories;

/// <summary>
/// What a batch's storing did: the events stored for the first time (in arrival order), how many
/// were already known with the same content, and the positions (in the list given) of those whose
/// source and id are known with other content: refused, the stored event unchanged.
/// </summary>
public sealed record StoredBatch(IReadOnlyList<StoredEvent> Stored, int Duplicates, IReadOnlyList<int> IdsReused);

/// <summary>
/// The operational events, stored before they are acknowledged. An event is identified by its
/// source and id and stored once: publishing it again with the same content is a duplicate,
/// acknowledged and not counted; with other content it is refused.
/// </summary>
public sealed class EventRepository(Database database)
{
    /// <summary>
    /// Stores the events not stored before, in one transaction, in the order given: the batch
    /// goes to the engine as one JSON array in one statement that inserts each event unless its
    /// identity is known and returns the sequence numbers of those stored, so a batch of new
    /// events costs one statement. Repeats (stored before, or twice in the batch) are then
    /// compared with what is stored, in one more statement only when there are any.
    /// </summary>
    public Task<StoredBatch> StoreAsync(
        IReadOnlyList<(OperationalEvent Event, bool Late)> events, DateTimeOffset receivedAt, CancellationToken cancellationToken) =>
        StoreAsync([.. events.Select(e => (e.Event, e.Late, receivedAt))], null, cancellationToken);

    /// <summary>Stores events each received at its own time (a shared log's entries), as the overload above does.</summary>
    /// <param name="through">
    /// The shared event log's position these events end (<see cref="LogPositionRepository"/>),
    /// moved forward in the same transaction, so that the events and how far the log is stored
    /// are written together or not at all.
    /// </param>
    public async Task<StoredBatch> StoreAsync(
        IReadOnlyList<(OperationalEvent Event, bool Late, DateTimeOffset ReceivedAt)> events, LogPosition? through, CancellationToken cancellationToken)
    {
        var rows = events.Select(e => EventRow.From(e.Event, e.Late, e.ReceivedAt)).ToList();

        // An identity twice in the batch: the first is the event, the rest repeats.
        var firstOf = new Dictionary<(string Source, string EventId), int>(events.Count);
        var firsts = new List<int>(events.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            if (firstOf.TryAdd(rows[i].Identity, i))
            {
                firsts.Add(i);
            }
        }

        var (sequences, storedBefore) = firsts.Count == 0
            ? ([], [])
            : await database.InTransactionAsync(
                async (connection, transaction) =>
                {
                    var inserted = await InsertAsync(connection, transaction, JsonRows.Write(firsts, (json, i) => rows[i].WriteTo(json)), firsts.Count, cancellationToken);
                    var repeated = firsts.Where(i => !inserted.ContainsKey(rows[i].Identity)).ToList();
                    var stored = repeated.Count == 0
                        ? []
                        : (await connection.QueryAsync<EventRow>(Command(
                            database.Dialect.SelectStoredEvents,
                            new { Keys = JsonRows.Write(repeated, (json, i) => { json.WriteStringValue(rows[i].Source); json.WriteStringValue(rows[i].EventId); }) },
                            cancellationToken,
                            transaction))).ToDictionary(r => r.Identity);
                    if (through is not null)
                    {
                        await LogPositionRepository.AdvanceAsync(connection, transaction, through, database.CommandTimeoutSeconds, cancellationToken);
                    }

                    return (inserted, stored);
                },
                cancellationToken);

        var reused = new List<int>();
        var duplicates = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var identity = rows[i].Identity;
            if (sequences.ContainsKey(identity) && firstOf[identity] == i)
            {
                continue;
            }

            // A repeat: the same as the event stored before, or as the batch's first with its identity.
            var original = storedBefore.GetValueOrDefault(identity) ?? rows[firstOf[identity]];
            if (rows[i].SaysTheSameAs(original))
            {
                duplicates++;
            }
            else
            {
                reused.Add(i);
            }
        }

        List<StoredEvent> storedNow =
        [
            .. firsts
                .Where(i => sequences.ContainsKey(rows[i].Identity))
                .Select(i => new StoredEvent(sequences[rows[i].Identity], events[i].Event, events[i].Late))
                .OrderBy(e => e.Sequence),
        ];
        return new StoredBatch(storedNow, duplicates, reused);
    }

    /// <summary>The stored events with these identities (source and id), by identity: those not stored are left out.</summary>
    public async Task<IReadOnlyDictionary<(string Source, string EventId), StoredEvent>> FindAsync(
        IReadOnlyCollection<(string Source, string EventId)> identities, CancellationToken cancellationToken)
    {
        if (identities.Count == 0)
        {
            return new Dictionary<(string Source, string EventId), StoredEvent>();
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EventRow>(Command(
            database.Dialect.SelectStoredEvents,
            new { Keys = JsonRows.Write(identities, (json, key) => { json.WriteStringValue(key.Source); json.WriteStringValue(key.EventId); }) },
            cancellationToken));
        return rows.ToDictionary(r => r.Identity, r => r.ToStoredEvent());
    }

    /// <summary>Whether two events with one identity say the same (kind, time, subject and figures, to the millisecond stored), as a repeat is judged.</summary>
    public static bool SayTheSame(OperationalEvent one, OperationalEvent other) =>
        EventRow.From(one, false, default).SaysTheSameAs(EventRow.From(other, false, default));

    private async Task<Dictionary<(string Source, string EventId), long>> InsertAsync(
        DbConnection connection, DbTransaction transaction, string rowsAsJson, int count, CancellationToken cancellationToken)
    {
        var inserted = new Dictionary<(string Source, string EventId), long>(count);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = database.Dialect.InsertEventsIfNew;
        insert.CommandTimeout = database.CommandTimeoutSeconds;
        JsonRows.AddParameter(insert, "@Rows", rowsAsJson);
        await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            inserted[(reader.GetString(0), reader.GetString(1))] = reader.GetInt64(2);
        }

        return inserted;
    }

    /// <summary>
    /// The events as the insert statement reads them: a JSON array of rows, each an array of the
    /// columns in the order of <see cref="SqlDialect.EventColumns"/>.
    /// </summary>
    public static string RowsAsJson(IEnumerable<(OperationalEvent Event, bool Late)> events, DateTimeOffset receivedAt) =>
        JsonRows.Write(events, (json, e) => EventRow.From(e.Event, e.Late, receivedAt).WriteTo(json));

    /// <summary>
    /// One event as one row's JSON array (the columns of <see cref="SqlDialect.EventColumns"/>):
    /// how a shared event log carries it, in the form it is stored.
    /// </summary>
    public static byte[] EncodeRow(OperationalEvent e, bool late, DateTimeOffset receivedAt)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(160);
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            EventRow.From(e, late, receivedAt).WriteTo(json);
            json.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>An event from <see cref="EncodeRow"/>; <see cref="InvalidDataException"/> when it is not one.</summary>
    public static (OperationalEvent Event, bool Late, DateTimeOffset ReceivedAt) DecodeRow(ReadOnlySpan<byte> encoded)
    {
        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(encoded);
            using var document = System.Text.Json.JsonDocument.ParseValue(ref reader);
            var c = document.RootElement;
            long? Optional(int i) => c[i].ValueKind == System.Text.Json.JsonValueKind.Null ? null : c[i].GetInt64();
            var row = new EventRow
            {
                Source = c[0].GetString() ?? "",
                EventId = c[1].GetString() ?? "",
                Kind = c[2].GetInt64(),
                OccurredAtMs = c[3].GetInt64(),
                ReceivedAtMs = c[4].GetInt64(),
                Late = c[5].GetInt64() != 0,
                SubjectId = c[6].GetString() ?? "",
                Line = Optional(7),
                AreaCode = c[8].GetString(),
                Grade = Optional(9),
                WaitMs = Optional(10),
            };
            var stored = row.ToStoredEvent();
            return (stored.Event, stored.Late, DateTimeOffset.FromUnixTimeMilliseconds(row.ReceivedAtMs));
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or IndexOutOfRangeException or FormatException)
        {
            throw new InvalidDataException($"not an event row: {e.Message}", e);
        }
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

        public string Source { get; set; } = "";

        public string EventId { get; set; } = "";

        public (string Source, string EventId) Identity => (Source, EventId);

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
            json.WriteStringValue(Source);
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

        /// <summary>Whether it says what <paramref name="other"/> says: the same kind, time, subject and figures (when it arrived and whether it was late aside).</summary>
        public bool SaysTheSameAs(EventRow other) =>
            Kind == other.Kind && OccurredAtMs == other.OccurredAtMs && SubjectId == other.SubjectId && Line == other.Line
            && AreaCode == other.AreaCode && Grade == other.Grade && WaitMs == other.WaitMs;

        public static EventRow From(OperationalEvent e, bool late, DateTimeOffset receivedAt)
        {
            var row = new EventRow
            {
                Source = StoredText.Key(e.Source, "source"),
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
                EventKind.CallOffered => new CallOffered(Source, EventId, at, SubjectId, line),
                EventKind.CallAnswered => new CallAnswered(Source, EventId, at, SubjectId, line, wait),
                EventKind.CallAbandoned => new CallAbandoned(Source, EventId, at, SubjectId, line, wait),
                EventKind.IncidentOpened => new IncidentOpened(Source, EventId, at, SubjectId, AreaCode ?? "", (IncidentGrade)(Grade ?? 0)),
                EventKind.IncidentResourced => new IncidentResourced(Source, EventId, at, SubjectId),
                EventKind.IncidentAttended => new IncidentAttended(Source, EventId, at, SubjectId),
                EventKind.IncidentClosed => new IncidentClosed(Source, EventId, at, SubjectId),
                EventKind.IntelligenceSubmitted => new IntelligenceSubmitted(Source, EventId, at, SubjectId, AreaCode ?? ""),
                EventKind.IntelligenceProcessed => new IntelligenceProcessed(Source, EventId, at, SubjectId),
                _ => throw new InvalidDataException($"event {EventId} has unknown kind {Kind}"),
            };
            return new StoredEvent(EventSequence, e, Late);
        }
    }
}
