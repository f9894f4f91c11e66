using Dapper;
using DbUp;
using Metrics.Domain.Operations;
using Metrics.Storage.Engines;
using Metrics.Storage.Repositories;
using Microsoft.Data.Sqlite;

namespace Metrics.Storage.Tests;

/// <summary>A store made by an earlier version, brought up to date: what it held is all still there.</summary>
public sealed class SqliteUpgradeTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"metrics-test-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var path in new[] { _file, _file + "-wal", _file + "-shm" })
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task EventsStoredBeforeSourcesKeepTheirOrderAndTheNextEventFollowsThem()
    {
        var connectionString = $"Data Source={_file}";
        MigrateUpTo(connectionString, "0008_measure_force.sql");
        await using (var connection = new SqliteConnection(connectionString))
        {
            // As the earlier version stored them: ids alone, sequence numbers with a gap (a rolled-back batch).
            await connection.ExecuteAsync("""
                INSERT INTO operational_event (event_sequence, event_id, kind, occurred_at_ms, received_at_ms, late, subject_id, line, area_code, grade, wait_ms)
                VALUES (1, 'e1', 4, 1552384800000, 1552384800000, 0, 'inc-1', NULL, 'lpa', 1, NULL),
                       (7, 'e2', 2, 1552384807000, 1552384807000, 1, 'call-1', 1, NULL, NULL, 7250);
                """);
        }

        var database = new Database(new StorageOptions { Engine = DatabaseEngine.Sqlite, ConnectionString = connectionString });
        Migrations.Apply(database);
        var events = new EventRepository(database);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1552384800000);
        var next = await events.StoreAsync([(new IncidentOpened("command-and-control", "e1", at, "inc-1", "lpa", IncidentGrade.Emergency), false)], at, default);
        var stored = new List<StoredEvent>();
        await foreach (var e in events.ReadAfterAsync(0, default))
        {
            stored.Add(e);
        }

        Assert.Equal(
            [(1L, "", "e1", false), (7L, "", "e2", true), (8L, "command-and-control", "e1", false)],
            stored.Select(e => (e.Sequence, e.Event.Source, e.Event.EventId, e.Late)));
        Assert.Equal(new CallAnswered("", "e2", at.AddSeconds(7), "call-1", CallLine.Emergency999, TimeSpan.FromMilliseconds(7250)), stored[1].Event);
        Assert.Equal([8L], next.Stored.Select(e => e.Sequence));
    }

    /// <summary>Applies the SQLite migrations up to and including <paramref name="lastScript"/>, as a store made then was.</summary>
    private static void MigrateUpTo(string connectionString, string lastScript)
    {
        var prefix = Migrations.ScriptPrefix(DatabaseEngine.Sqlite);
        var result = DeployChanges.To.SqliteDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(
                typeof(Migrations).Assembly,
                name => name.StartsWith(prefix, StringComparison.Ordinal) && string.CompareOrdinal(name[prefix.Length..], lastScript) <= 0)
            .LogToNowhere()
            .Build()
            .PerformUpgrade();
        Assert.True(result.Successful, result.Error?.Message);
    }
}
