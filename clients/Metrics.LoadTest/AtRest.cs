using System.Globalization;

/// <summary>
/// The server left alone (with whatever feeds it has, the demo's in bench/run.sh) for
/// --seconds: its working set, CPU and the events it took in, all from its own scrape.
/// </summary>
internal static class AtRest
{
    public static async Task<int> RunAsync(LoadOptions options, ServerFigures server)
    {
        if (!server.Enabled)
        {
            Console.Error.WriteLine("rest needs --metrics: the figures are the server's own");
            return 2;
        }

        var before = await server.ScrapeAsync();
        await Task.Delay(TimeSpan.FromSeconds(options.Seconds));
        var after = await server.ScrapeAsync();
        var figures = new Dictionary<string, double>
        {
            ["working_set_mb"] = after.Sum("dotnet_process_memory_working_set_bytes") / 1024 / 1024,
            ["gc_heap_mb"] = after.Sum("dotnet_gc_last_collection_heap_size_bytes") / 1024 / 1024,
            ["server_cpu_share"] = after.Increase(before, "dotnet_process_cpu_time_seconds_total") / options.Seconds / Environment.ProcessorCount,
            ["events_per_s"] = after.Increase(before, "metrics_ingest_events_total", ("outcome", "accepted")) / options.Seconds,
        };
        Results.Record(options.ResultsFile, "rest", figures);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"rest        working set {figures["working_set_mb"]:0} MB (GC heap {figures["gc_heap_mb"]:0} MB)   CPU {figures["server_cpu_share"]:P1} of {Environment.ProcessorCount} cores   {figures["events_per_s"]:0.0} events/s taken in   (over {options.Seconds} s)"));
        return 0;
    }
}
