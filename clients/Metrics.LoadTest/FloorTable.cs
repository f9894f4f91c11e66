using System.Globalization;
using System.Text.Json;

/// <summary>
/// The performance issue's table: every path with its ceiling, the ratio and its floor, from the
/// load results (--results) and the in-process benchmarks' JSON reports (--benchmarks).
/// </summary>
internal static class FloorTable
{
    private sealed record Row(string Path, string Measured, string Ceiling, string Ratio, string Floor, bool? Met);

    public static int Print(string resultsFile, string benchmarksDirectory)
    {
        var load = Results.Read(resultsFile);
        IReadOnlyDictionary<string, double>? Load(string path) => load.TryGetValue(path, out var runs) ? runs[^1] : null;
        IReadOnlyList<IReadOnlyDictionary<string, double>> Runs(string path) => load.TryGetValue(path, out var runs) ? runs : [];
        var rows = new List<Row>
        {
            Series(Runs("series"), Runs("empty")),
            Warm("area comparison for a month (West Mercia, March 2019)", Load("comparison")),
            Warm("summary page for a month (West Mercia, March 2019)", Load("summary")),
            InProcess("durable ingest, batches of 5,000, acknowledged after commit (SQLite)", Benchmark(benchmarksDirectory, "IngestBenchmarks", "DurableIngest", "RawBulkInsert", "RawPreparedInsert"), "the faster raw way to make the same rows durable (one JSON array a batch, or a prepared insert reused for each row; a transaction a batch, nothing checked or read back)", 0.3, 100_000),
            InProcess("ingest through the shared log, batches of 5,000, acknowledged once two of three JetStream copies hold it", Benchmark(benchmarksDirectory, "LogIngestBenchmarks", "AppendThroughTheLog", "RawPublish"), "a raw JetStream publish of the same messages (same ids, acknowledgements awaited a batch at a time, nothing checked)", 0.3, 10_000),
            InProcess("the Rx window pipeline, in process (the demo's event mix)", Benchmark(benchmarksDirectory, "LiveWindowBenchmarks", "Pipeline", "HandWritten"), "a hand-written loop computing the same figures", 0.3, 1_000_000),
            FanOut(Load("fanout-2000"), Load("fanout-1")),
            AtRest(Load("rest")),
        };

        Console.WriteLine("| path | measured | ceiling beside it | ratio | floor | |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            Console.WriteLine($"| {row.Path} | {row.Measured} | {row.Ceiling} | {row.Ratio} | {row.Floor} | {(row.Met switch { true => "met", false => "**missed**", null => "not run" })} |");
        }

        Console.WriteLine();
        Console.WriteLine(Invariant($"floors met: {rows.Count(r => r.Met == true)} of {rows.Count}"));
        return 0;
    }

    /// <summary>
    /// GetSeries against the empty call, in rounds run one after the other (empty, series,
    /// empty, series...): the other tenants of a shared machine move whole seconds, so each
    /// round's ratio is read against the ceiling measured just before it, and the row shows the
    /// median round with the spread of all of them.
    /// </summary>
    private static Row Series(IReadOnlyList<IReadOnlyDictionary<string, double>> series, IReadOnlyList<IReadOnlyDictionary<string, double>> empty)
    {
        const string path = "`GetSeries`, 10 years of months (Met total, 108), 64 calls in flight";
        const string floor = "≥ 0.6; p99 ≤ 10 ms";
        var rounds = series.Zip(empty, (s, e) => (Series: s, Empty: e, Ratio: s["rate"] / e["rate"])).OrderBy(r => r.Ratio).ToList();
        if (rounds.Count == 0)
        {
            return new Row(path, "—", "—", "—", floor, null);
        }

        var (median, ceiling, ratio) = rounds[(rounds.Count - 1) / 2];
        var spread = rounds.Count == 1
            ? ""
            : Invariant($" (median of {rounds.Count} rounds, each against the ceiling just before it: {string.Join(", ", rounds.Select(r => r.Ratio.ToString("0.00", CultureInfo.InvariantCulture)))}; p99 {rounds.Min(r => r.Series["p99_ms"]):0.0}-{rounds.Max(r => r.Series["p99_ms"]):0.0} ms)");
        return new Row(
            path,
            Invariant($"{median["rate"]:N0} req/s, p50 {median["p50_ms"]:0.0} ms, p99 {median["p99_ms"]:0.0} ms{Server(median)}; {median["response_bytes"]:N0} bytes a response"),
            Invariant($"an empty unary RPC (the liveness health check, no database): {ceiling["rate"]:N0} req/s, p99 {ceiling["p99_ms"]:0.0} ms{Server(ceiling)}"),
            Invariant($"{ratio:0.00}{spread}"),
            floor,
            ratio >= 0.6 && median["p99_ms"] <= 10 && rounds.All(r => r.Series["errors"] == 0));
    }

    private static Row Warm(string path, IReadOnlyDictionary<string, double>? figures) =>
        figures is null
            ? new Row(path, "—", "—", "—", "p99 ≤ 50 ms warm", null)
            : new Row(
                path,
                Invariant($"{figures["rate"]:N0} req/s ({figures["concurrency"]} in flight), p99 {figures["p99_ms"]:0.0} ms{Server(figures)}"),
                "—",
                "—",
                "p99 ≤ 50 ms warm",
                figures["p99_ms"] <= 50 && figures["errors"] == 0);

    private static string Server(IReadOnlyDictionary<string, double> figures) =>
        figures.TryGetValue("server_p99_ms", out var p99) ? Invariant($" (server's own p99 ≤ {p99:0.#} ms)") : "";

    private static Row InProcess(string path, (double Events, double Mean, double Ceiling)? figures, string ceiling, double ratioFloor, double rateFloor)
    {
        var floor = Invariant($"≥ {ratioFloor} of the ceiling; ≥ {rateFloor:N0} events/s");
        if (figures is not { } f)
        {
            return new Row(path, "—", ceiling, "—", floor, null);
        }

        var rate = f.Events / (f.Mean / 1e9);
        var ratio = f.Ceiling / f.Mean;
        return new Row(
            path,
            Invariant($"{f.Events:N0} events in {f.Mean / 1e6:0.0} ms: {rate:N0} events/s"),
            Invariant($"{ceiling}: {f.Ceiling / 1e6:0.0} ms ({f.Events / (f.Ceiling / 1e9):N0} events/s)"),
            Invariant($"{ratio:0.00}"),
            floor,
            ratio >= ratioFloor && rate >= rateFloor);
    }

    private static Row FanOut(IReadOnlyDictionary<string, double>? many, IReadOnlyDictionary<string, double>? one)
    {
        const string path = "fan-out: subscribers to one area, an event a second, published → received";
        const string floor = "2,000 subscribers, every update received; p99 ≤ 100 ms; memory per idle subscriber reported";
        if (many is null || one is null)
        {
            return new Row(path, "—", "—", "—", floor, null);
        }

        var perSubscriber = many.TryGetValue("working_set_per_subscriber_kb", out var kb)
            ? Invariant($"; {kb:0.0} KB per idle subscriber (server's working set with them open, against before they opened)")
            : "";
        return new Row(
            path,
            Invariant($"{many["subscribers"]:N0} subscribers: p50 {many["p50_ms"]:0.0} ms, p99 {many["p99_ms"]:0.0} ms{ServerShare(many)}, {many["received"]:N0} of {many["expected"]:N0} received{perSubscriber}"),
            Invariant($"1 subscriber: p50 {one["p50_ms"]:0.0} ms, p99 {one["p99_ms"]:0.0} ms"),
            Invariant($"{one["p99_ms"] / many["p99_ms"]:0.00} (p99)"),
            floor,
            many["subscribers"] >= 2000 && many["received"] >= many["expected"] && many["p99_ms"] <= 100);
    }

    /// <summary>The server's own share (broadcast to the update written to the stream) and its collections over the window.</summary>
    private static string ServerShare(IReadOnlyDictionary<string, double> figures) =>
        figures.TryGetValue("server_delivery_p99_ms", out var p99) && figures.TryGetValue("server_gc_pause_ms", out var paused)
            ? Invariant($" (server's own, broadcast to written: p99 ≤ {p99:0.#} ms; {figures["server_gc_collections"]} collections pausing {paused:0} ms in all; slowest event: first received after {figures["slowest_event_first_ms"]:0.0} ms{Warmup(figures)})")
            : "";

    private static string Warmup(IReadOnlyDictionary<string, double> figures) =>
        figures.TryGetValue("warmup_p99_ms", out var p99) ? Invariant($"; the {figures["warmup_events"]} events before the window, as the subscribers settled: p99 {p99:0.0} ms") : "";

    private static Row AtRest(IReadOnlyDictionary<string, double>? rest)
    {
        const string path = "the server at rest with the demo feed (after a minute)";
        return rest is null
            ? new Row(path, "—", "—", "—", "working set reported; ≤ 200 MB", null)
            : new Row(
                path,
                Invariant($"working set {rest["working_set_mb"]:0} MB (GC heap {rest["gc_heap_mb"]:0} MB), CPU {rest["server_cpu_share"]:P1}, {rest["events_per_s"]:0.0} demo events/s"),
                "—",
                "—",
                "working set reported; ≤ 200 MB",
                rest["working_set_mb"] <= 200);
    }

    /// <summary>The mean (ns) of a benchmark and of its ceiling, and the events each handles, from BenchmarkDotNet's JSON report.</summary>
    /// <summary>A benchmark's mean against its ceiling: the fastest of the ceiling methods in the same run.</summary>
    private static (double Events, double Mean, double Ceiling)? Benchmark(string directory, string type, string method, params string[] ceilings)
    {
        var report = Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, $"*.{type}-report*.json", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;
        if (report is null)
        {
            return null;
        }

        using var json = JsonDocument.Parse(File.ReadAllText(report));
        double? Mean(string name) => json.RootElement.GetProperty("Benchmarks").EnumerateArray()
            .Where(b => b.GetProperty("Method").GetString() == name && b.TryGetProperty("Statistics", out var s) && s.ValueKind == JsonValueKind.Object)
            .Select(b => (double?)b.GetProperty("Statistics").GetProperty("Mean").GetDouble())
            .FirstOrDefault();
        var events = json.RootElement.GetProperty("Benchmarks").EnumerateArray()
            .Select(b => b.GetProperty("Parameters").GetString() ?? "")
            .Select(p => new string([.. p.SkipWhile(c => !char.IsDigit(c)).TakeWhile(char.IsDigit)]))
            .Where(d => d.Length > 0)
            .Select(d => double.Parse(d, CultureInfo.InvariantCulture))
            .FirstOrDefault();
        var fastest = ceilings.Select(Mean).Where(m => m is not null).Min();
        return Mean(method) is { } mean && fastest is { } baseline && events > 0 ? (events, mean, baseline) : null;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
