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

    /// <summary>
    /// Stores the events not stored before, in one transaction, in the order given: one prepared
    /// statement per event that inserts it unless its id is known and returns its sequence
    /// number, so repeats (stored before, or twice in the batch) cost no extra query.
    /// </summary>
    public async Task<StoredBatch> StoreAsync(
        IReadOnlyList<(OperationalEvent Event, bool Late)> events, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = database.Dialect.InsertEventIfNew;
        insert.CommandTimeout = database.CommandTimeoutSeconds;
        var parameters = EventRow.Columns.Select(column =>
        {
            var parameter = insert.CreateParameter();
            parameter.ParameterName = $"@{column.Name}";
            parameter.DbType = column.Type;
            if (column.Type == System.Data.DbType.String)
            {
                parameter.Size = EventRow.MaxText; // a prepared statement needs it on SQL Server; validation keeps ids this short
            }

            insert.Parameters.Add(parameter);
            return parameter;
        }).ToArray();

        var stored = new List<StoredEvent>(events.Count);
        var prepared = false;
        foreach (var (e, late) in events)
        {
            EventRow.From(e, late, receivedAt).Bind(parameters);
            if (!prepared)
            {
                // Prepared once its parameters have values (SQL Server needs their types).
                await insert.PrepareAsync(cancellationToken);
                prepared = true;
            }

            if (await insert.ExecuteScalarAsync(cancellationToken) is { } sequence and not DBNull)
            {
                stored.Add(new StoredEvent(Convert.ToInt64(sequence, System.Globalization.CultureInfo.InvariantCulture), e, late));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new StoredBatch(stored, events.Count - stored.Count);
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

        /// <summary>The longest text a column holds (NVARCHAR(100)).</summary>
        public const int MaxText = 100;

        /// <summary>The columns an insert sets, in the order <see cref="Bind"/> fills them.</summary>
        public static readonly (string Name, System.Data.DbType Type)[] Columns =
        [
            ("EventId", System.Data.DbType.String), ("Kind", System.Data.DbType.Int64), ("OccurredAtMs", System.Data.DbType.Int64),
            ("ReceivedAtMs", System.Data.DbType.Int64), ("Late", System.Data.DbType.Boolean), ("SubjectId", System.Data.DbType.String),
            ("Line", System.Data.DbType.Int64), ("AreaCode", System.Data.DbType.String), ("Grade", System.Data.DbType.Int64), ("WaitMs", System.Data.DbType.Int64),
        ];

        public void Bind(DbParameter[] parameters)
        {
            object?[] values = [EventId, Kind, OccurredAtMs, ReceivedAtMs, Late, SubjectId, Line, AreaCode, Grade, WaitMs];
            for (var i = 0; i < values.Length; i++)
            {
                parameters[i].Value = values[i] ?? DBNull.Value;
            }
        }

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
