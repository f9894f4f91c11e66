using System.Globalization;
using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;

namespace Metrics.Analytics.Commentary;

/// <summary>
/// The sentences the force's analysts write under each chart and on the summary page, in the
/// report's own words, from a month's readings. Deterministic: the same readings give the same words.
/// </summary>
public static class CommentaryWriter
{
    /// <summary>What the exceptions column says when no area has enough months for an expected range.</summary>
    public const string TooFewMonths = "Too few months of history for an expected range";

    private static readonly CultureInfo English = CultureInfo.InvariantCulture;

    /// <summary>The summary page's data column: "Increased volumes on previous month and above monthly average."</summary>
    public static string DataSentence(MonthReading reading)
    {
        var counts = reading.Measure.IsAdditive;
        var onPrevious = reading.Direction switch
        {
            Direction.Increase => counts ? "Increased volumes on previous month" : "Increased on previous month",
            Direction.Decrease => counts ? "Decreased volumes on previous month" : "Decreased on previous month",
            Direction.NoChange => counts ? "Same volumes as previous month" : "No change on previous month",
            _ => null,
        };
        var againstAverage = reading.Position is { } position ? $"{Phrase(position)} monthly average" : null;
        return (onPrevious, againstAverage) switch
        {
            (null, null) => $"{Figure(reading.Measure, reading.Value)} in {MonthName(reading.Month)}; no earlier months to compare.",
            (null, { } a) => $"{Capitalised(a)}.",
            ({ } p, null) => $"{p}.",
            ({ } p, { } a) => $"{p} {Connective(reading)} {a}.",
        };
    }

    /// <summary>
    /// The text under a chart: "7,767 offences were recorded across West Mercia in March. This is
    /// an increase compared to February (6,377) and above the monthly average (7,082)."
    /// A total names the force it covers; a local policing area is always named.
    /// </summary>
    public static string Narrative(MonthReading reading, bool isTotal = false, string? noun = null)
    {
        var where = reading.Area.Kind == AreaKind.Force
            ? isTotal ? $" across {reading.Area.Name}" : ""
            : $" in {reading.Area.Name}";
        var month = MonthName(reading.Month);
        var first = reading.Measure.IsAdditive
            ? $"{Figure(reading.Measure, reading.Value)} {(string.IsNullOrEmpty(noun) ? Noun(reading.Measure, isTotal) : noun)} were recorded{where} in {month}."
            : $"{reading.Measure.Name}{where} was {Figure(reading.Measure, reading.Value)} in {month}.";

        var previous = reading.Previous is { } p
            ? reading.Direction switch
            {
                Direction.Increase => $"an increase compared to {MonthName(reading.Month.AddMonths(-1))} ({Figure(reading.Measure, p)})",
                Direction.Decrease => $"a decrease compared to {MonthName(reading.Month.AddMonths(-1))} ({Figure(reading.Measure, p)})",
                _ => $"the same as {MonthName(reading.Month.AddMonths(-1))} ({Figure(reading.Measure, p)})",
            }
            : null;
        var average = reading.Position is { } position && reading.MonthlyAverage is { } mean
            ? $"{Phrase(position)} the monthly average ({Figure(reading.Measure, mean)})"
            : null;
        var second = (previous, average) switch
        {
            (null, null) => null,
            (null, { } a) => $"This is {a}.",
            ({ } b, null) => $"This is {b}.",
            ({ } b, { } a) => $"This is {b} {Connective(reading)} {a}.",
        };
        return second is null ? first : $"{first} {second}";
    }

    /// <summary>The summary page's exceptions column: "Exceptional volumes in Telford &amp; Wrekin".</summary>
    public static string Exceptions(IReadOnlyList<MonthReading> areas)
    {
        if (areas.Count > 0 && areas.All(a => a.Position is null))
        {
            return TooFewMonths;
        }

        var high = areas.Where(a => a.Position == Position.SignificantlyAbove).ToList();
        var low = areas.Where(a => a.Position == Position.SignificantlyBelow).ToList();
        if (high.Count == 0 && low.Count == 0)
        {
            return "No exceptional volumes";
        }

        var parts = new List<string>();
        if (high.Count > 0)
        {
            parts.Add($"Exceptional volumes in {AreasPhrase(high, areas)}");
        }

        if (low.Count > 0)
        {
            parts.Add($"{(parts.Count == 0 ? "Exceptionally" : "exceptionally")} low volumes in {AreasPhrase(low, areas)}");
        }

        return string.Join("; ", parts);
    }

    /// <summary>
    /// How the areas moved: "Volume increases were seen across all policing areas in March, but
    /// remain within expected levels."
    /// </summary>
    public static string AreaMovement(IReadOnlyList<MonthReading> areas)
    {
        if (areas.Count == 0)
        {
            return "";
        }

        var month = MonthName(areas[0].Month);
        var compared = areas.Where(a => a.Direction is not null).ToList();
        if (compared.Count == 0)
        {
            return "";
        }

        var increased = compared.Where(a => a.Direction == Direction.Increase).ToList();
        var notIncreased = compared.Where(a => a.Direction != Direction.Increase).ToList();
        var movement = increased.Count switch
        {
            0 => $"No policing area saw an increase in {month}",
            _ when notIncreased.Count == 0 => $"Volume increases were seen across all policing areas in {month}",
            _ when notIncreased.Count == 1 && compared.Count > 2 => $"Volume increases were seen across all policing areas with the exception of {notIncreased[0].Area.Name} in {month}",
            _ => $"Volume increases were seen in {JoinNames(increased)} in {month}",
        };
        if (compared.All(a => a.Position is null))
        {
            return $"{movement}.";
        }

        var exceptional = compared.Where(a => a.IsExceptional).ToList();
        if (exceptional.Count == 0)
        {
            return increased.Count == 0 ? $"{movement}, and all remain within expected levels." : $"{movement}, but remain within expected levels.";
        }

        return $"{movement}, with {Exceptions(compared).Replace("Exceptional", "exceptional", StringComparison.Ordinal).Replace("Exceptionally", "exceptionally", StringComparison.Ordinal)}.";
    }

    /// <summary>"and" when the month and the average agree in direction, "but" when they do not.</summary>
    private static string Connective(MonthReading reading) => (reading.Direction, reading.Position) switch
    {
        (Direction.Increase, Position.Above or Position.SignificantlyAbove) => "and",
        (Direction.Decrease, Position.Below or Position.SignificantlyBelow) => "and",
        (Direction.NoChange, Position.InLine) => "and",
        _ => "but",
    };

    private static string Phrase(Position position) => position switch
    {
        Position.SignificantlyAbove => "significantly above",
        Position.Above => "above",
        Position.InLine => "in line with",
        Position.Below => "below",
        _ => "significantly below",
    };

    private static string AreasPhrase(IReadOnlyList<MonthReading> chosen, IReadOnlyList<MonthReading> all)
    {
        if (chosen.Count == all.Count && all.Count > 1)
        {
            return "all areas";
        }

        if (chosen.Count == all.Count - 1 && all.Count > 2)
        {
            return $"all areas except for {all.Except(chosen).Single().Area.Name}";
        }

        return JoinNames(chosen);
    }

    private static string JoinNames(IReadOnlyList<MonthReading> readings)
    {
        var names = readings.Select(r => r.Area.Name).ToList();
        return names.Count == 1 ? names[0] : $"{string.Join(", ", names.Take(names.Count - 1))} and {names[^1]}";
    }

    /// <summary>
    /// What a count counts: a total's parts are all offences; a plural name as it is ("missing
    /// person reports"); anything else is offences of its kind ("rape offences").
    /// </summary>
    /// <summary>What one unit of a count is called when no report template names it: "offences" for crime, else the measure's own name.</summary>
    public static string Noun(MeasureDefinition measure, bool isTotal)
    {
        if (isTotal)
        {
            return "offences";
        }

        var words = measure.Name.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Length > 1 && w.All(c => !char.IsLetter(c) || char.IsUpper(c)) ? w : w.ToLowerInvariant());
        var name = string.Join(' ', words);
        return name.EndsWith('s') ? name : $"{name} offences";
    }

    /// <summary>A figure as the report prints it: a count whole with thousands, a percentage to one place.</summary>
    public static string Figure(MeasureDefinition measure, double value) => measure.Unit switch
    {
        MeasureUnit.Count => Math.Round(value, MidpointRounding.AwayFromZero).ToString("N0", English),
        MeasureUnit.Percent or MeasureUnit.PublishedPercent => value.ToString("0.0", English) + "%",
        _ => value.ToString("#,##0.##", English),
    };

    private static string MonthName(YearMonth month) => English.DateTimeFormat.GetMonthName(month.Month);

    private static string Capitalised(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
