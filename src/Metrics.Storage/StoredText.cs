namespace Metrics.Storage;

/// <summary>
/// The longest text each kind of column holds, and the checks every repository makes before it
/// writes. SQL Server refuses a longer value (error 2628) where SQLite keeps it, and compares
/// with trailing spaces ignored where SQLite does not: the store refuses both, the same way on
/// each engine, so that an id means one thing everywhere.
/// </summary>
public static class StoredText
{
    /// <summary>Ids and codes: measures, areas, events, what an event is about.</summary>
    public const int KeyLength = 100;

    /// <summary>Names, sections, topics, breakdowns, peers, districts, population vintages.</summary>
    public const int NameLength = 200;

    /// <summary>What kind of breakdown a measure has (crime type, outcome group...).</summary>
    public const int BreakdownKindLength = 100;

    /// <summary>A measure's description.</summary>
    public const int DescriptionLength = 1000;

    /// <summary>Where an import came from (file names, a URL).</summary>
    public const int SourceLength = 1000;

    /// <summary>What kind of import a batch was.</summary>
    public const int ImportKindLength = 50;

    /// <summary>An id or code: present, no longer than <see cref="KeyLength"/>, with nothing blank at either end.</summary>
    public static string Key(string? value, string column) =>
        string.IsNullOrEmpty(value) ? throw new StoreRefusedException($"{column} is empty") : Label(value, column, KeyLength);

    /// <summary>An optional id or code: null or empty, or a <see cref="Key"/>.</summary>
    public static string? OptionalKey(string? value, string column) => string.IsNullOrEmpty(value) ? value : Key(value, column);

    /// <summary>Text that is compared (a breakdown, a peer, a district): no longer than the column, nothing blank at either end.</summary>
    public static string Label(string value, string column, int most)
    {
        Text(value, column, most);
        return value.Length > 0 && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
            ? throw new StoreRefusedException($"{column} '{Quote(value)}' begins or ends with white space; ids and labels are compared exactly, so it is refused rather than trimmed")
            : value;
    }

    /// <summary>Text that is only shown: no longer than the column.</summary>
    public static string Text(string value, string column, int most) =>
        value.Length > most ? throw new StoreRefusedException($"{column} is {value.Length} characters; the most is {most}") : value;

    /// <summary>The start of a value, enough to recognise it in a message or a log.</summary>
    public static string Quote(string value) => Domain.Requests.Quoted.Text(value);
}

/// <summary>A value the store will not write: too long for its column, or an id that would compare differently on another engine.</summary>
public sealed class StoreRefusedException(string message) : ArgumentException(message);
