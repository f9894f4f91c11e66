using System.Globalization;
using System.Net;
using System.Text;
using Metrics.Analytics.Commentary;
using Metrics.Analytics.Spc;
using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;

namespace Metrics.Analytics.Report;

/// <summary>
/// A control chart as inline SVG: the values, the centre line, the process limits per segment,
/// special-cause months coloured by what they mean (NHS "Making Data Count" colours: blue for
/// improvement, orange for concern, purple where neither direction is better), and the
/// projection with its interval as a shaded band.
/// </summary>
internal static class SvgChart
{
    public const string Improvement = "#41b6e6";
    public const string Concern = "#ed8b00";
    public const string Neither = "#7c2855";
    public const string CommonCause = "#a6a6a6";
    private const int Width = 760, Height = 280, Left = 64, Right = 16, Top = 16, Bottom = 40;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(MonthReading reading, PlacedProjection? projection)
    {
        var chart = reading.Chart!;
        var months = reading.ChartMonths;
        var first = months[0];
        var forecast = projection?.Projection.Points ?? [];
        var lastMonth = forecast.Count > 0 ? projection!.MonthOf(forecast[^1]) : months[^1];
        var span = Math.Max(1, first.MonthsUntil(lastMonth));

        var lows = chart.Points.Select(p => Math.Min(p.Value, p.LowerLimit)).Concat(forecast.Select(f => f.Lower));
        var highs = chart.Points.Select(p => Math.Max(p.Value, p.UpperLimit)).Concat(forecast.Select(f => f.Upper));
        var (min, max) = NiceRange(lows.Min(), highs.Max());

        double X(YearMonth month) => Left + ((Width - Left - Right) * first.MonthsUntil(month) / (double)span);
        double Y(double value) => Top + ((Height - Top - Bottom) * (max - value) / (max - min));

        var svg = new StringBuilder();
        svg.Append(Invariant, $"<svg class=\"chart\" data-measure=\"{Encode(reading.Measure.Id)}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"t-{Encode(reading.Measure.Id)}\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append(Invariant, $"<title id=\"t-{Encode(reading.Measure.Id)}\">{Encode(reading.Measure.Name)}, {Encode(reading.Area.Name)}: {months.Count} months to {reading.Month} with centre line, process limits{(forecast.Count > 0 ? " and projection" : "")}</title>");

        foreach (var tick in Ticks(min, max))
        {
            svg.Append(Invariant, $"<line class=\"grid\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Y(tick):0.#}\" y2=\"{Y(tick):0.#}\"/>");
            svg.Append(Invariant, $"<text class=\"axis\" x=\"{Left - 6}\" y=\"{Y(tick) + 4:0.#}\" text-anchor=\"end\">{Format(reading.Measure, tick)}</text>");
        }

        for (var month = first; month <= lastMonth; month = month.AddMonths(1))
        {
            if (month.Month % 6 == 1)
            {
                svg.Append(Invariant, $"<text class=\"axis\" x=\"{X(month):0.#}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{Short(month)}</text>");
            }
        }

        if (forecast.Count > 0)
        {
            var band = forecast.Select(f => $"{X(projection!.MonthOf(f)):0.#},{Y(f.Upper):0.#}")
                .Concat(forecast.Reverse().Select(f => $"{X(projection!.MonthOf(f)):0.#},{Y(f.Lower):0.#}"));
            svg.Append(Invariant, $"<polygon class=\"interval\" points=\"{X(months[^1]):0.#},{Y(reading.Value):0.#} {string.Join(' ', band)}\"/>");
            var line = forecast.Select(f => $"{X(projection!.MonthOf(f)):0.#},{Y(f.Value):0.#}");
            svg.Append(Invariant, $"<polyline class=\"projection\" points=\"{X(months[^1]):0.#},{Y(reading.Value):0.#} {string.Join(' ', line)}\"/>");
        }

        foreach (var segment in chart.Points.GroupBy(p => p.Segment))
        {
            var points = segment.ToList();
            string Line(Func<SpcPoint, double> y) => string.Join(' ', points.Select(p => $"{X(months[p.Index]):0.#},{Y(y(p)):0.#}"));
            svg.Append(Invariant, $"<polyline class=\"limit\" points=\"{Line(p => p.UpperLimit)}\"/>");
            svg.Append(Invariant, $"<polyline class=\"limit\" points=\"{Line(p => p.LowerLimit)}\"/>");
            svg.Append(Invariant, $"<polyline class=\"mean\" points=\"{Line(p => p.Mean)}\"/>");
        }

        svg.Append(Invariant, $"<polyline class=\"values\" points=\"{string.Join(' ', chart.Points.Select(p => $"{X(months[p.Index]):0.#},{Y(p.Value):0.#}"))}\"/>");
        foreach (var point in chart.Points)
        {
            var reasons = SpcReasons.Describe(point);
            var label = $"{months[point.Index]}: {Format(reading.Measure, point.Value)}{(reasons.Count > 0 ? " – " + string.Join("; ", reasons) : "")}";
            svg.Append(Invariant, $"<circle class=\"point {ClassOf(point.Variation)}\" cx=\"{X(months[point.Index]):0.#}\" cy=\"{Y(point.Value):0.#}\" r=\"3.5\" fill=\"{ColourOf(point.Variation)}\"><title>{Encode(label)}</title></circle>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    public static string ClassOf(Variation variation) => variation switch
    {
        Variation.ImprovementHigh or Variation.ImprovementLow => "improvement",
        Variation.ConcernHigh or Variation.ConcernLow => "concern",
        Variation.NeitherHigh or Variation.NeitherLow => "neither",
        _ => "common",
    };

    private static string ColourOf(Variation variation) => ClassOf(variation) switch
    {
        "improvement" => Improvement,
        "concern" => Concern,
        "neither" => Neither,
        _ => CommonCause,
    };

    /// <summary>A range with room round the data, on round numbers.</summary>
    private static (double Min, double Max) NiceRange(double low, double high)
    {
        if (high <= low)
        {
            (low, high) = (low - 1, high + 1);
        }

        var step = NiceStep((high - low) / 5);
        return (Math.Floor(low / step) * step, Math.Ceiling(high / step) * step);
    }

    private static IEnumerable<double> Ticks(double min, double max)
    {
        var step = NiceStep((max - min) / 5);
        for (var tick = min; tick <= max + (step / 2); tick += step)
        {
            yield return tick;
        }
    }

    private static double NiceStep(double rough)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var fraction = rough / magnitude;
        return magnitude * (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10);
    }

    private static string Format(MeasureDefinition measure, double value) =>
        measure.Unit is MeasureUnit.Percent or MeasureUnit.PublishedPercent ? value.ToString("0.#", Invariant) + "%" : value.ToString("#,##0.##", Invariant);

    private static string Short(YearMonth month) => $"{Invariant.DateTimeFormat.GetAbbreviatedMonthName(month.Month)} {month.Year % 100:D2}";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
