using System.Globalization;
using System.Net;
using System.Text;
using Metrics.Analytics.Commentary;
using Metrics.Analytics.Comparisons;
using Metrics.Analytics.Projection;
using Metrics.Analytics.Summary;
using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Observations;

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
        section.topic{margin:2rem 0;border-top:2px solid #005eb8;padding-top:.5rem}
        p.headline{font-size:1.15rem}p.headline strong{font-size:1.6rem;margin-right:.35rem}
        tr.exceptional td{font-weight:bold}
        .chart{break-inside:avoid}
        svg.chart{width:100%;height:auto;background:#fff}
        .grid{stroke:#eee}.axis{font-size:11px;fill:#555}
        .values{fill:none;stroke:#231f20;stroke-width:1.5}.mean{fill:none;stroke:#231f20;stroke-dasharray:1 0;stroke-width:1;opacity:.6}
        .limit{fill:none;stroke:#768692;stroke-dasharray:6 4;stroke-width:1}
        .projection{fill:none;stroke:#005eb8;stroke-dasharray:4 3;stroke-width:2}.interval{fill:#005eb8;opacity:.15}
        .legend{font-size:.8rem;color:#444}.legend span{display:inline-block;margin-right:1rem}
        .swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:50%;vertical-align:middle;margin-right:.25rem}
        .note{font-size:.85rem;color:#444}
        @media print{
          body{margin:0;max-width:none;font-size:10pt}
          h2.section{break-before:page;break-after:avoid}
          section.topic{break-before:page;border-top:none;margin:0;padding:0}
          h2.section+section.topic{break-before:avoid}
          .chart,table.comparisons,tr,p.headline{break-inside:avoid}
          h3{break-after:avoid}
          a{color:inherit;text-decoration:none}
          th,tr.section td{-webkit-print-color-adjust:exact;print-color-adjust:exact}
        }
        """;

    /// <summary>
    /// The printed page, A4 as the force hands it out: the force and month at the top of every
    /// page and its number at the foot (Chromium draws page margin boxes since version 131).
    /// </summary>
    private static string PageStyle(string forceName, string month) => $$"""
        @page{size:A4;margin:16mm 14mm 18mm 14mm;
          @top-left{content:"{{CssString(forceName)}} · {{CssString(month)}}";font:9pt system-ui,Arial,sans-serif;color:#555}
          @top-right{content:"Performance Summary";font:9pt system-ui,Arial,sans-serif;color:#555}
          @bottom-center{content:"Page " counter(page) " of " counter(pages);font:9pt system-ui,Arial,sans-serif;color:#555} }
        """;

    public static string Render(ReportDocument document)
    {
        var html = new StringBuilder();
        var month = MonthName(document.Month);
        html.Append("<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\">");
        html.Append(CultureInfo.InvariantCulture, $"<title>Performance Summary – {Encode(document.ForceName)} – {month}</title><style>{Style}{PageStyle(document.ForceName, month)}</style></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<h1>Performance Summary</h1><p class=\"meta\">{Encode(document.ForceName)} · {month} · generated {document.Generated.UtcDateTime:yyyy-MM-dd HH:mm} UTC</p>");

        html.Append("<h2>Summary</h2><table class=\"summary\"><thead><tr><th>Topic</th><th>Inclusion</th><th>Data</th><th>Exceptions</th></tr></thead><tbody>");
        foreach (var section in document.Sections)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"section\"><td colspan=\"4\">{Encode(section.Name)}</td></tr>");
            foreach (var topic in section.Topics)
            {
                var row = topic.Row;
                var exceptional = row.Areas.Any(a => a.IsExceptional) || (row.Force?.IsExceptional ?? false);
                html.Append(CultureInfo.InvariantCulture, $"<tr><td><a href=\"#{Anchor(row)}\">{Encode(row.Topic)}</a></td><td>{Encode(row.Inclusion)}</td><td>{Encode(row.Data)}</td>");
                html.Append(CultureInfo.InvariantCulture, $"<td{(exceptional ? " class=\"exceptional\"" : "")}>{Encode(row.Exceptions)}</td></tr>");
            }
        }

        html.Append("</tbody></table>");

        foreach (var section in document.Sections)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2 class=\"section\">{Encode(section.Name)}</h2>");
            foreach (var topic in section.Topics)
            {
                AppendTopic(html, topic, document);
            }
        }

        html.Append("</body></html>");
        return html.ToString();
    }

    /// <summary>
    /// A topic's page, as the analysts lay it out: the headline figure, its comparisons (each
    /// saying how many months it rests on when fewer than it names), the commentary, the chart
    /// with its projection (or why there is none), and the areas.
    /// </summary>
    private static void AppendTopic(StringBuilder html, ReportTopic topic, ReportDocument document)
    {
        var row = topic.Row;
        var month = MonthName(document.Month);
        html.Append(CultureInfo.InvariantCulture, $"<section class=\"topic\" id=\"{Anchor(row)}\"><h3>{Encode(row.Topic)}</h3>");
        var reported = row.IncludedThisMonth ? row.Inclusion : $"{row.Inclusion}: not due this month, shown for reference";
        if (row.Force is not { } reading)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"headline\">{Encode(row.HeadlineName)}: no figure for {month} is stored.</p><p class=\"note\">Reported: {Encode(reported)}.</p></section>");
            return;
        }

        html.Append(CultureInfo.InvariantCulture, $"<p class=\"headline\"><strong>{Encode(CommentaryWriter.Figure(row.Headline, reading.Value))}</strong> {Encode(row.HeadlineName)}, {Encode(document.ForceName)}, {month}</p>");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">Reported: {Encode(reported)}.</p>");
        if (topic.Comparison is { } comparison)
        {
            AppendComparisons(html, comparison);
        }

        html.Append(CultureInfo.InvariantCulture, $"<p>{Encode(row.Narrative)}</p>");
        if (row.AreaMovement.Length > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>{Encode(row.AreaMovement)}</p>");
        }

        if (reading.Chart is null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"note why\">No chart yet: {reading.MonthsRead} {Months(reading.MonthsRead)} stored up to {month}; the expected range is drawn from at least {topic.MinimumMonthsForChart}.</p>");
        }
        else
        {
            AppendChart(html, topic, reading);
        }

        AppendAreas(html, row, reading, document);
        html.Append("</section>");
    }

    private static void AppendChart(StringBuilder html, ReportTopic topic, MonthReading reading)
    {
        html.Append("<div class=\"chart\">");
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

        html.Append("</p></div>");
        if (reading.Chart!.TrialLimits)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">Trial limits: fewer than 12 months in the baseline ({reading.Chart.BaselinePoints}).</p>");
        }

        var projectionNote = topic.Projection is { } placed ? ProjectionNote(placed) : topic.NoProjection;
        if (projectionNote.Length > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">{Encode(projectionNote)}</p>");
        }
    }

    /// <summary>The month against the month before, the same month last year, the 12-month average and the financial year to date.</summary>
    private static void AppendComparisons(StringBuilder html, MonthComparison comparison)
    {
        var measure = comparison.Measure;
        string Figure(double? value) => value is { } v ? Encode(CommentaryWriter.Figure(measure, v)) : "–";
        string Change(Change change) => (measure.IsAdditive ? change.Percent : change.Difference) is { } c
            ? measure.IsAdditive ? string.Create(CultureInfo.InvariantCulture, $" ({c:+0.0;-0.0;0.0}%)") : string.Create(CultureInfo.InvariantCulture, $" ({c:+0.0;-0.0;0.0} points)")
            : "";
        string Resting(SeriesPoint point, int named) => point.MonthsWithData < named ? $" ({point.MonthsWithData} of {named} months)" : "";
        var average = comparison.PreviousTwelveMonths;
        var yearToDate = comparison.FinancialYearToDate;
        var named = yearToDate.Period.Months;
        html.Append("<table class=\"comparisons\"><thead><tr><th>Previous month</th><th>Same month last year</th><th>12-month average</th><th>Financial year to date</th></tr></thead><tbody><tr>");
        html.Append(CultureInfo.InvariantCulture, $"<td>{Figure(comparison.PreviousMonth.Value)}{Change(comparison.OnPreviousMonth)}</td>");
        html.Append(CultureInfo.InvariantCulture, $"<td>{Figure(comparison.SameMonthLastYear.Value)}{Change(comparison.OnSameMonthLastYear)}</td>");
        html.Append(CultureInfo.InvariantCulture, $"<td>{Figure(comparison.TwelveMonthAverage)}{(comparison.AverageIsPublished ? " (as published)" : Resting(average, MonthComparison.AverageMonths))}</td>");
        html.Append(CultureInfo.InvariantCulture, $"<td>{Figure(yearToDate.Value)}{Resting(yearToDate, named)}; last year {Figure(comparison.FinancialYearToDateLastYear.Value)}{Resting(comparison.FinancialYearToDateLastYear, named)}{Change(comparison.FinancialYearToDateChange)}</td>");
        html.Append("</tr></tbody></table>");
    }

    /// <summary>The areas' figures: volume, share of the force's (for counts), rate per 1,000 where the measure has a base, and which are exceptional.</summary>
    private static void AppendAreas(StringBuilder html, SummaryRow row, MonthReading force, ReportDocument document)
    {
        if (row.Areas.Count == 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">No figures by area for {MonthName(document.Month)}.</p>");
            return;
        }

        var measure = row.Headline;
        var share = measure.IsAdditive && force.Value > 0;
        var rated = measure.IsAdditive && measure.RateBase != RateBase.None;
        html.Append(CultureInfo.InvariantCulture, $"<table class=\"areas\"><thead><tr><th>Area</th><th>{MonthName(document.Month)}</th>");
        html.Append(share ? $"<th>Share of {Encode(document.ForceName)}</th>" : "");
        html.Append(rated ? $"<th>Per 1,000 {(measure.RateBase == RateBase.Households ? "households" : "residents")}</th>" : "");
        html.Append("<th>Against its expected range</th></tr></thead><tbody>");
        foreach (var area in row.Areas)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr{(area.IsExceptional ? " class=\"exceptional\"" : "")}><td>{Encode(area.Area.Name)}</td><td>{Encode(CommentaryWriter.Figure(measure, area.Value))}</td>");
            if (share)
            {
                html.Append(CultureInfo.InvariantCulture, $"<td>{100 * area.Value / force.Value:0.0}%</td>");
            }

            if (rated)
            {
                html.Append(area.Area.BaseFor(measure.RateBase) is > 0 and var rateBase
                    ? string.Create(CultureInfo.InvariantCulture, $"<td>{1000 * area.Value / rateBase:0.00}</td>")
                    : "<td>–</td>");
            }

            html.Append(CultureInfo.InvariantCulture, $"<td>{Encode(Against(area))}</td></tr>");
        }

        html.Append("</tbody></table>");
    }

    private static string Against(MonthReading area) => area.Position switch
    {
        Position.SignificantlyAbove => "exceptional: above",
        Position.SignificantlyBelow => "exceptional: below",
        Position.Above or Position.Below or Position.InLine => "within",
        _ => $"too few months ({area.MonthsRead})",
    };

    private static string Months(int count) => count == 1 ? "month" : "months";

    private static string MonthName(YearMonth month) => CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(month.Month) + " " + month.Year;

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

    /// <summary>"m-robbery"; a breakdown's topic "m-total_recorded_crime-burglary".</summary>
    private static string Anchor(SummaryRow row) =>
        "m-" + row.Headline.Id + (row.Breakdown.Length == 0 ? "" : "-" + string.Concat(row.Breakdown.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')));

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    /// <summary>Text inside a CSS string in a style element: no quote, backslash or tag can end it early.</summary>
    private static string CssString(string text) =>
        string.Concat(text.Select(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '.' or ',' or '(' or ')' ? c.ToString() : $"\\{(int)c:x} "));
}
