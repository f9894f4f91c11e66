using Dapper;
using Metrics.Domain.Calendar;
using Metrics.Domain.Comparisons;
using Metrics.Storage.Engines;

namespace Metrics.Storage.Repositories;

/// <summary>Figures as a force published them (PublishedFigure): stored again, the published value replaces the one before.</summary>
public sealed class PublishedFigureRepository(Database database)
{
    public const string ReplaceFigure = """
        DELETE FROM published_figure WHERE measure_id = @MeasureId AND area_code = @AreaCode AND month = @Month AND statistic = @Statistic;
        INSERT INTO published_figure (measure_id, area_code, month, statistic, value) VALUES (@MeasureId, @AreaCode, @Month, @Statistic, @Value);
        """;

    public const string SelectFigures = """
        SELECT measure_id AS MeasureId, area_code AS AreaCode, month AS Month, statistic AS Statistic, value AS Value
        FROM published_figure
        WHERE month = @Month AND statistic = @Statistic;
        """;

    /// <summary>Stores the figures, all or none.</summary>
    public Task StoreAsync(IReadOnlyList<PublishedFigure> figures, CancellationToken cancellationToken) =>
        database.InTransactionAsync(
            (connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
                ReplaceFigure,
                figures.Select(f => new { f.MeasureId, f.AreaCode, Month = f.Month.Key, Statistic = (int)f.Statistic, f.Value }),
                transaction,
                database.CommandTimeoutSeconds,
                cancellationToken: cancellationToken)),
            cancellationToken);

    /// <summary>Every published figure of the statistic for the month.</summary>
    public async Task<IReadOnlyList<PublishedFigure>> GetAsync(YearMonth month, PublishedStatistic statistic, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<FigureRow>(new CommandDefinition(
            SelectFigures, new { Month = month.Key, Statistic = (int)statistic }, commandTimeout: database.CommandTimeoutSeconds, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new PublishedFigure(r.MeasureId, r.AreaCode, YearMonth.FromKey((int)r.Month), (PublishedStatistic)r.Statistic, r.Value))];
    }

    private sealed class FigureRow
    {
        public string MeasureId { get; set; } = "";
        public string AreaCode { get; set; } = "";
        public long Month { get; set; }
        public long Statistic { get; set; }
        public double Value { get; set; }
    }
}
