using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace Metrics.Storage.Engines;

/// <summary>
/// Which database errors mean "the store cannot be reached or used just now" (locked, gone, the
/// disk, the network, failover), as against a fault in the statement: the first is worth a retry.
/// </summary>
public static class StoreFaults
{
    // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_PROTOCOL, SQLITE_NOTADB.
    private static readonly Dictionary<int, string> SqliteUnavailable = new()
    {
        [5] = "the database file is locked",
        [6] = "a table is locked",
        [8] = "the database file is read-only",
        [10] = "the disk failed a read or write",
        [11] = "the database file is damaged",
        [13] = "the disk is full",
        [14] = "the database file cannot be opened",
        [15] = "the database file's lock protocol failed",
        [26] = "the file is not a database",
    };

    // Timeout, connection and transport failures, database unavailable, recovering or failing over,
    // a login refused while the server upgrades (18401), a paused or resuming serverless database
    // (42108, 42109), resource limits and throttling (Azure SQL), deadlock victim.
    private static readonly HashSet<int> SqlServerUnavailable =
        [-2, -1, 2, 35, 53, 64, 121, 233, 1205, 4060, 10053, 10054, 10060, 10061, 10928, 10929, 18401, 40143, 40197, 40501, 40613, 42108, 42109, 49918, 49919, 49920];

    /// <summary>SQL Server chose this transaction as a deadlock victim and rolled it back whole.</summary>
    public const int SqlServerDeadlockVictim = 1205;

    /// <summary>True, with a reason a caller can read, when the error says the store is unavailable.</summary>
    public static bool IsUnavailable(Exception exception, out string reason)
    {
        switch (exception)
        {
            case SqliteException sqlite when SqliteUnavailable.TryGetValue(sqlite.SqliteErrorCode & 0xFF, out var why):
                reason = why;
                return true;
            case StoreUnavailableException unavailable:
                reason = unavailable.Message;
                return true;
            case SqlException sql when sql.Errors.Cast<SqlError>().Any(e => SqlServerUnavailable.Contains(e.Number)) || sql.Class >= 20:
                reason = $"SQL Server error {sql.Number}: {FirstSentence(sql.Message)}";
                return true;
            case TimeoutException:
                reason = "the database did not answer in time";
                return true;
            default:
                reason = "";
                return false;
        }
    }

    /// <summary>True when SQL Server rolled the transaction back as a deadlock victim: running it again is safe.</summary>
    public static bool IsDeadlock(Exception exception) =>
        exception is SqlException sql && sql.Errors.Cast<SqlError>().Any(e => e.Number == SqlServerDeadlockVictim);

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message.TrimEnd('.') : message[..end];
    }
}
