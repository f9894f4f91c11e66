using System.Text.Json;
using System.Text.Json.Serialization;

/// <summary>
/// Each run's figures as one JSON line in the results file (--results), which the table
/// (metrics-load table) reads with the in-process benchmarks' reports.
/// </summary>
internal static class Results
{
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static void Record(string? file, string path, IReadOnlyDictionary<string, double> figures)
    {
        if (!string.IsNullOrEmpty(file))
        {
            File.AppendAllLines(file, [JsonSerializer.Serialize(new Result(path, new Dictionary<string, double>(figures)), Json)]);
        }
    }

    /// <summary>Every result recorded for each path, in the order they ran.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyDictionary<string, double>>> Read(string file) =>
        File.Exists(file)
            ? File.ReadLines(file)
                .Where(l => l.Length > 0)
                .Select(l => JsonSerializer.Deserialize<Result>(l, Json)!)
                .GroupBy(r => r.Path)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<IReadOnlyDictionary<string, double>>)[.. g.Select(r => r.Figures)])
            : new Dictionary<string, IReadOnlyList<IReadOnlyDictionary<string, double>>>();

    private sealed record Result(string Path, Dictionary<string, double> Figures);
}
