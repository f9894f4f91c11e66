using System.Data.Common;
using Dapper;
using Metrics.Storage.Engines;

namespace Metrics.Storage.Repositories;

/// <summary>A figure captured from the live state at an instant.</summary>
public sealed record Capture(string MeasureId, string AreaCode, string Breakdown, DateTimeOffset CapturedAt, double Value);

/// <summary>The hourly captures: written once per instant (a second capture of the same instant replaces it).</summary>
public sealed class CaptureRepository(Database database)
{
    public const string DeleteCapture = """
        DELETE FROM live_capture
        WHERE measure_id = @MeasureId AND area_code = @AreaCode AND breakdown = @Breakdown AND captured_at_ms = @CapturedAtMs;
        """;

    public const string InsertCapture = """
        INSERT INTO live_capture (measure_id, area_code, breakdown, captured_at_ms, value)
        VALUES (@MeasureId, @AreaCode, @Breakdown, @CapturedAtMs, @Value);
        """;

    public const string SelectCaptures = """
        SELECT measure_id, area_code, breakdown, captured_at_ms, value
        FROM live_capture
        WHERE measure_id = @MeasureId AND area_code = @AreaCode AND breakdown = @Breakdown
          AND captured_at_ms >= @FromMs AND captured_at_ms < @ToMs
        ORDER BY captured_at_ms;
        """;

    public async Task StoreAsync(IReadOnlyList<Capture> captures, CancellationToken cancellationToken)
    {
        var rows = captures.Select(c => new
        {
            MeasureId = StoredText.Key(c.MeasureId, "live_capture.measure_id"),
            AreaCode = StoredText.Key(c.AreaCode, "live_capture.area_code"),
            Breakdown = StoredText.Label(c.Breakdown, "live_capture.breakdown", StoredText.NameLength),
            CapturedAtMs = c.CapturedAt.ToUnixTimeMilliseconds(),
            c.Value,
        }).ToList();
        await database.InTransactionAsync(
            async (connection, transaction) =>
            {
                await connection.ExecuteAsync(Command(DeleteCapture, rows, cancellationToken, transaction));
                return await connection.ExecuteAsync(Command(InsertCapture, rows, cancellationToken, transaction));
            },
            cancellationToken);
    }

    /// <summary>One series' captures in [from, to), in time order.</summary>
    public async Task<IReadOnlyList<Capture>> GetAsync(
        string measureId, string areaCode, string breakdown, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<CaptureRow>(Command(
            SelectCaptures,
            new { MeasureId = measureId, AreaCode = areaCode, Breakdown = breakdown, FromMs = from.ToUnixTimeMilliseconds(), ToMs = to.ToUnixTimeMilliseconds() },
            cancellationToken));
        return [.. rows.Select(r => new Capture(r.MeasureId, r.AreaCode, r.Breakdown, DateTimeOffset.FromUnixTimeMilliseconds(r.CapturedAtMs), r.Value))];
    }

    private CommandDefinition Command(string sql, object? parameters, CancellationToken cancellationToken, DbTransaction? transaction = null) =>
        new(sql, parameters, transaction, database.CommandTimeoutSeconds, cancellationToken: cancellationToken);

    private sealed class CaptureRow
    {
        public string MeasureId { get; set; } = "";

        public string AreaCode { get; set; } = "";

        public string Breakdown { get; set; } = "";

        public long CapturedAtMs { get; set; }

        public double Value { get; set; }
    }
}
