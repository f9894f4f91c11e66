using System.Reflection;
using Metrics.Storage.Engines;
using Metrics.Storage.Repositories;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Metrics.Storage.Tests;

/// <summary>
/// No SQL Server runs on the build machines, so every statement that SQL Server would run is
/// parsed with its own parser (SQL Server 2022): a syntax error fails the build's tests.
/// </summary>
public sealed class SqlServerScriptTests
{
    public static TheoryData<string, string> SqlServerStatements()
    {
        var data = new TheoryData<string, string>();
        var storage = typeof(Database).Assembly;
        foreach (var type in storage.GetTypes().Where(t => t.Namespace == typeof(CatalogueRepository).Namespace || t == typeof(SqlServerSetup)))
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(string)))
            {
                data.Add($"{type.Name}.{field.Name}", (string)field.GetRawConstantValue()!);
            }
        }

        foreach (var property in typeof(SqlDialect).GetProperties().Where(p => p.PropertyType == typeof(string)))
        {
            data.Add($"SqlDialect.SqlServer.{property.Name}", (string)property.GetValue(SqlDialect.SqlServer)!);
        }

        foreach (var name in storage.GetManifestResourceNames().Where(n => n.StartsWith(Migrations.ScriptPrefix(DatabaseEngine.SqlServer), StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(storage.GetManifestResourceStream(name)!);
            data.Add(name, reader.ReadToEnd());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SqlServerStatements))]
    public void ParsesAsSqlServer2022(string name, string sql)
    {
        var errors = Parse(sql);

        Assert.True(errors.Count == 0, $"{name}: {string.Join("; ", errors.Select(e => $"line {e.Line}: {e.Message}"))}");
    }

    [Fact]
    public void EveryRepositoryStatementAndMigrationIsChecked()
    {
        var names = SqlServerStatements().Select(row => (string)row[0]).ToList();

        Assert.Contains("SqlDialect.SqlServer.InsertObservations", names);
        Assert.Contains("SqlDialect.SqlServer.DeleteObservationCells", names);
        Assert.Contains("SqlServerSetup.CreateDatabaseIfMissing", names);
        Assert.Contains("SqlDialect.SqlServer.InsertImportBatch", names);
        Assert.Contains(names, n => n.EndsWith("0001_historical_store.sql", StringComparison.Ordinal));
        Assert.True(names.Count >= 20, $"only {names.Count} statements found");
    }

    [Fact]
    public void TheDatabaseSetupAnAdministratorRunsParsesAsSqlServer2022()
    {
        var folder = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(folder, "Metrics.sln")))
        {
            folder = Path.GetDirectoryName(folder) ?? throw new InvalidOperationException("Metrics.sln not found above the test's folder");
        }

        // As sqlcmd sends it: its variables replaced, one batch per GO.
        var script = File.ReadAllText(Path.Combine(folder, "deploy", "sqlserver", "setup.sql"))
            .Replace("$(AppLogin)", "metrics_app", StringComparison.Ordinal)
            .Replace("$(AppPassword)", "it''s; a password", StringComparison.Ordinal);
        var batches = System.Text.RegularExpressions.Regex.Split(script, @"^GO\s*$", System.Text.RegularExpressions.RegexOptions.Multiline);

        Assert.True(batches.Length >= 5, $"{batches.Length} batches");
        Assert.All(batches, batch => Assert.Empty(Parse(batch)));
    }

    [Fact]
    public void TheParserRejectsWhatSqlServerWouldReject()
    {
        Assert.NotEmpty(Parse("SELECT id FROM import_batch LIMIT 5;"));
        Assert.NotEmpty(Parse(SqlDialect.Sqlite.ListImports));
    }

    /// <summary>Dapper expands a list parameter, "IN @Ids", to "IN (@Ids1, @Ids2, ...)" before SQL Server sees it.</summary>
    private static string AsDapperSendsIt(string sql) =>
        System.Text.RegularExpressions.Regex.Replace(sql, @"\bIN\s+@(\w+)", "IN (@${1}1, @${1}2)");

    private static IList<ParseError> Parse(string sql)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(AsDapperSendsIt(sql));
        parser.Parse(reader, out var errors);
        return errors;
    }
}
