using System.Globalization;
using System.Text.RegularExpressions;

/// <summary>
/// The server's own figures, read from its Prometheus scrape (/metrics): the load client reports
/// what the server measured beside what the client saw.
/// </summary>
internal sealed partial class ServerFigures(string? metricsUrl)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public bool Enabled => !string.IsNullOrEmpty(metricsUrl);

    public async Task<Scrape> ScrapeAsync()
    {
        if (!Enabled)
        {
            return new Scrape([]);
        }

        var text = await Http.GetStringAsync(metricsUrl);
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n'))
        {
            var match = SampleLine().Match(line.TrimEnd('\r'));
            if (match.Success && double.TryParse(match.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                var labels = Label().Matches(match.Groups["labels"].Value).ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value, StringComparer.Ordinal);
                samples.Add(new Sample(match.Groups["name"].Value, labels, value));
            }
        }

        return new Scrape(samples);
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(\w+)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}

internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>One scrape; sums and histogram quantiles, optionally since an earlier scrape.</summary>
internal sealed record Scrape(IReadOnlyList<Sample> Samples)
{
    /// <summary>The sum of a metric's samples whose labels include every pair given.</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).Sum(s => s.Value);

    /// <summary>How much a counter (summed over the labels given) rose since <paramref name="before"/>.</summary>
    public double Increase(Scrape before, string name, params (string Label, string Value)[] labels) =>
        Sum(name, labels) - before.Sum(name, labels);

    /// <summary>
    /// The upper bound of the histogram bucket that holds quantile <paramref name="q"/> of what
    /// was recorded since <paramref name="before"/>: "p99 ≤ this". NaN with nothing recorded.
    /// </summary>
    public double QuantileBound(string histogram, double q, Scrape before, params (string Label, string Value)[] labels)
    {
        var buckets = Samples
            .Where(s => s.Name == histogram + "_bucket" && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value))
            .GroupBy(s => s.Labels["le"])
            .Select(g => (Bound: g.Key == "+Inf" ? double.PositiveInfinity : double.Parse(g.Key, CultureInfo.InvariantCulture),
                          Count: g.Sum(s => s.Value) - before.Sum(histogram + "_bucket", [.. labels, ("le", g.Key)])))
            .OrderBy(b => b.Bound)
            .ToList();
        var total = buckets.Count == 0 ? 0 : buckets[^1].Count;
        return total <= 0 ? double.NaN : buckets.First(b => b.Count >= q * total).Bound;
    }
}
