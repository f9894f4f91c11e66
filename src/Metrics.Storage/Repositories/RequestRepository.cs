using System.Data.Common;
using Dapper;
using Metrics.Storage.Engines;

namespace Metrics.Storage.Repositories;

/// <summary>A request answered before: what it asked (a digest) and the answer it was given, as the caller received it.</summary>
public sealed record AnsweredRequest(string RequestId, byte[] Digest, byte[] Answer, long? ImportId, DateTimeOffset AnsweredAt);

/// <summary>
/// A request a caller may send again (AIP-155): who, its id, a digest of what it asks (read when
/// the change is written: the request has been read whole by then) and its answer to record,
/// worked out from the change as stored.
/// </summary>
public sealed record RepeatableRequest(string Caller, string RequestId, Func<byte[]> Digest, Func<StoredChange, byte[]> Answer);

/// <summary>A repeat of a request already answered, found while writing it again: nothing was written; the first answer stands.</summary>
public sealed class RequestAnsweredException(AnsweredRequest answered)
    : Exception($"request {answered.RequestId} was answered at {answered.AnsweredAt:O}")
{
    public AnsweredRequest Answered { get; } = answered;
}

/// <summary>
/// The answers given to requests that carried an id, so that a repeat gets the same answer and
/// changes nothing. An import's answer is written in the import's own transaction (it is
/// recorded exactly when the batch is); a definition's after it (defining the same again changes
/// nothing, so a repeat after a crash between the two is harmless). Kept <see cref="KeptFor"/>.
/// </summary>
public sealed class RequestRepository(Database database)
{
    /// <summary>How long an answer is kept for a repeat: longer than any caller retries.</summary>
    public static readonly TimeSpan KeptFor = TimeSpan.FromDays(7);

    public const string SelectAnswer = """
        SELECT request_id AS RequestId, digest AS Digest, answer AS Answer, import_id AS ImportId, answered_at_ms AS AnsweredAtMs
        FROM request_answer
        WHERE caller = @Caller AND request_id = @RequestId AND answered_at_ms >= @KeptSinceMs;
        """;

    /// <summary>
    /// SQL Server, inside a change's transaction: the key range stays locked to the commit, so a
    /// repeat sent at the same moment waits and then finds the answer (SQLite's writers take turns already).
    /// </summary>
    public const string SelectAnswerHeld = """
        SELECT request_id AS RequestId, digest AS Digest, answer AS Answer, import_id AS ImportId, answered_at_ms AS AnsweredAtMs
        FROM request_answer WITH (UPDLOCK, HOLDLOCK)
        WHERE caller = @Caller AND request_id = @RequestId AND answered_at_ms >= @KeptSinceMs;
        """;

    public const string InsertAnswer = """
        DELETE FROM request_answer WHERE answered_at_ms < @KeptSinceMs;
        INSERT INTO request_answer (caller, request_id, digest, answer, import_id, answered_at_ms)
        SELECT @Caller, @RequestId, @Digest, @Answer, @ImportId, @AnsweredAtMs
        WHERE NOT EXISTS (SELECT 1 FROM request_answer WHERE caller = @Caller AND request_id = @RequestId);
        """;

    /// <summary>The answer given to <paramref name="requestId"/> of <paramref name="caller"/> in the last <see cref="KeptFor"/>, if any.</summary>
    public async Task<AnsweredRequest?> FindAsync(string caller, string requestId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await FindAsync(connection, null, caller, requestId, now, cancellationToken);
    }

    /// <summary>Records an answer (a definition's, after it is made); an answer already recorded for the id is kept.</summary>
    public async Task RecordAsync(string caller, string requestId, byte[] digest, byte[] answer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await RecordAsync(connection, null, caller, requestId, digest, answer, null, now, cancellationToken);
    }

    /// <summary>Inside a change's transaction, before it writes anything: a repeat is refused with the first answer.</summary>
    internal async Task RefuseRepeatAsync(DbConnection connection, DbTransaction transaction, RepeatableRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await FindAsync(connection, transaction, request.Caller, request.RequestId, now, cancellationToken) is { } answered)
        {
            throw new RequestAnsweredException(answered);
        }
    }

    /// <summary>Inside a change's transaction, once it is written: its answer, committed with it.</summary>
    internal Task RecordAsync(DbConnection connection, DbTransaction transaction, RepeatableRequest request, StoredChange change, DateTimeOffset now, CancellationToken cancellationToken) =>
        RecordAsync(connection, transaction, request.Caller, request.RequestId, request.Digest(), request.Answer(change), change.Batch?.Id, now, cancellationToken);

    private async Task<AnsweredRequest?> FindAsync(
        DbConnection connection, DbTransaction? transaction, string caller, string requestId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var held = transaction is not null && database.Engine == DatabaseEngine.SqlServer;
        var row = await connection.QuerySingleOrDefaultAsync<AnswerRow>(new CommandDefinition(
            held ? SelectAnswerHeld : SelectAnswer,
            new { Caller = caller, RequestId = requestId, KeptSinceMs = (now - KeptFor).ToUnixTimeMilliseconds() },
            transaction,
            database.CommandTimeoutSeconds,
            cancellationToken: cancellationToken));
        return row is null ? null : new AnsweredRequest(row.RequestId, row.Digest, row.Answer, row.ImportId, DateTimeOffset.FromUnixTimeMilliseconds(row.AnsweredAtMs));
    }

    private async Task RecordAsync(
        DbConnection connection, DbTransaction? transaction, string caller, string requestId, byte[] digest, byte[] answer, long? importId, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            InsertAnswer,
            new
            {
                Caller = StoredText.Text(caller, "request_answer.caller", StoredText.NameLength),
                RequestId = requestId,
                Digest = digest,
                Answer = answer,
                ImportId = importId,
                AnsweredAtMs = now.ToUnixTimeMilliseconds(),
                KeptSinceMs = (now - KeptFor).ToUnixTimeMilliseconds(),
            },
            transaction,
            database.CommandTimeoutSeconds,
            cancellationToken: cancellationToken));

    private sealed class AnswerRow
    {
        public string RequestId { get; set; } = "";
        public byte[] Digest { get; set; } = [];
        public byte[] Answer { get; set; } = [];
        public long? ImportId { get; set; }
        public long AnsweredAtMs { get; set; }
    }
}
