using System.Globalization;
using System.Net;
using System.Text;
using Metrics.Analytics.Projection;

namespace Metrics.Analytics.Report;

/// <summary>
/// The month's report as one self-contained HTML file: no scripts, fonts or images from
/// anywhere else, so it can be mailed, archived and opened offline. The summary table first,
/// then each topic reported this month with its chart and commentary.
/// </summary>
public static class HtmlReport
{
    private const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:2rem auto;max-width:60rem;color:#231f20;line-height:1.45}
        h1{margin-bottom:0}.meta{color:#555;margin-top:.25rem}
        table{border-collapse:collapse;width:100%;font-size:.9rem;margin:1rem 0}
        th,td{border:1px solid #d0d0d0;padding:.35rem .5rem;text-align:left;vertical-align:top}
        th{background:#005eb8;color:#fff}tr.section td{background:#e8edee;font-weight:bold}
        td.exceptional{font-weight:bold}
        section.topic{break-inside:avoid;margin:2rem 0;border-top:2px solid #005eb8;padding-top:.5rem}
        svg.chart{width:100%;height:auto;background:#fff}
        .grid{stroke:#eee}.axis{font-size:11px;fill:#555}
        .values{fill:none;stroke:#231f20;stroke-width:1.5}.mean{fill:none;stroke:#231f20;stroke-dasharray:1 0;stroke-width:1;opacity:.6}
        .limit{fill:none;stroke:#768692;stroke-dasharray:6 4;stroke-width:1}
        .projection{fill:none;stroke:#005eb8;stroke-dasharray:4 3;stroke-width:2}.interval{fill:#005eb8;opacity:.15}
        .legend{font-size:.8rem;color:#444}.legend span{display:inline-block;margin-right:1rem}
        .swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:50%;vertical-align:middle;margin-right:.25rem}
        .note{font-size:.85rem;color:#444}
        """;

    public static string Render(ReportDocument document)
    {
        var html = new StringBuilder();
        var month = CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(document.Month.Month) + " " + document.Month.Year;
        html.Append("<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\">");
        html.Append(CultureInfo.InvariantCulture, $"<title>Performance Summary – {Encode(document.ForceName)} – {month}</title><style>{Style}</style></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<h1>Performance Summary</h1><p class=\"meta\">{Encode(document.ForceName)} · {month} · generated {document.Generated.UtcDateTime:yyyy-MM-dd HH:mm} UTC</p>");

        html.Append("<h2>Summary</h2><table class=\"summary\"><thead><tr><th>Topic</th><th>Inclusion</th><th>Data</th><th>Exceptions</th></tr></thead><tbody>");
        foreach (var section in document.Sections)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"section\"><td colspan=\"4\">{Encode(section.Name)}</td></tr>");
            foreach (var topic in section.Topics)
            {
                var row = topic.Row;
                var exceptional = row.Areas.Any(a => a.IsExceptional) || (row.Force?.IsExceptional ?? false);
                html.Append(CultureInfo.InvariantCulture, $"<tr><td><a href=\"#{Anchor(row.Headline.Id)}\">{Encode(row.Topic)}</a></td><td>{Encode(row.Inclusion)}</td><td>{Encode(row.Data)}</td>");
                html.Append(CultureInfo.InvariantCulture, $"<td{(exceptional ? " class=\"exceptional\"" : "")}>{Encode(row.Exceptions)}</td></tr>");
            }
        }

        html.Append("</tbody></table>");

        foreach (var section in document.Sections)
        {
            var shown = section.Topics.Where(t => t.Row.IncludedThisMonth && t.Row.Force?.Chart is not null).ToList();
            if (shown.Count == 0)
            {
                continue;
            }

            html.Append(CultureInfo.InvariantCulture, $"<h2>{Encode(section.Name)}</h2>");
            foreach (var topic in shown)
            {
                AppendTopic(html, topic);
            }
        }

        html.Append("</body></html>");
        return html.ToString();
    }

    private static void AppendTopic(StringBuilder html, ReportTopic topic)
    {
        var row = topic.Row;
        var reading = row.Force!;
        html.Append(CultureInfo.InvariantCulture, $"<section class=\"topic\" id=\"{Anchor(row.Headline.Id)}\"><h3>{Encode(row.Topic)}</h3>");
        html.Append(CultureInfo.InvariantCulture, $"<p>{Encode(row.Narrative)}</p>");
        if (row.AreaMovement.Length > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>{Encode(row.AreaMovement)}</p>");
        }

        html.Append(SvgChart.Render(reading, topic.Projection));
        html.Append("<p class=\"legend\">");
        html.Append(CultureInfo.InvariantCulture, $"<span><i class=\"swatch\" style=\"background:{SvgChart.CommonCause}\"></i>common cause</span>");
        html.Append(CultureInfo.InvariantCulture, $"<span><i class=\"swatch\" style=\"background:{SvgChart.Improvement}\"></i>special cause: improvement</span>");
        html.Append(CultureInfo.InvariantCulture, $"<span><i class=\"swatch\" style=\"background:{SvgChart.Concern}\"></i>special cause: concern</span>");
        html.Append(CultureInfo.InvariantCulture, $"<span><i class=\"swatch\" style=\"background:{SvgChart.Neither}\"></i>special cause: neither better nor worse</span>");
        html.Append("<span>dashed grey: process limits</span>");
        if (topic.Projection is not null)
        {
            html.Append("<span>dashed blue: projection, shaded: 95% interval</span>");
        }

        html.Append("</p>");
        if (reading.Chart!.TrialLimits)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">Trial limits: fewer than 12 months in the baseline ({reading.Chart.BaselinePoints}).</p>");
        }

        if (topic.Projection is { } placed)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">{Encode(ProjectionNote(placed))}</p>");
        }

        html.Append("</section>");
    }

    private static string ProjectionNote(PlacedProjection placed)
    {
        var projection = placed.Projection;
        var method = projection.Method == ProjectionMethod.HoltWintersDamped ? "Holt-Winters (damped trend)" : "seasonal naive";
        var first = placed.MonthOf(projection.Points[0]);
        var last = placed.MonthOf(projection.Points[^1]);
        var backtest = projection.Backtest is { } b
            ? $" Backtest over {b.Origins} origins: MASE {b.Mase:0.00} against seasonal naive's {b.SeasonalNaiveMase:0.00}{(b.RelativeToSeasonalNaive < 1 ? " (better)" : " (not better: treat with caution)")}."
            : " Under two years of history: no backtest.";
        return string.Create(CultureInfo.InvariantCulture, $"Projection {first} to {last} by {method}.{backtest}");
    }

    private static string Anchor(string id) => "m-" + id;

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
