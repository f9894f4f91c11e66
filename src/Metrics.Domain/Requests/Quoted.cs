namespace Metrics.Domain.Requests;

/// <summary>
/// A value from a request as a message or a log quotes it: its start, enough to recognise it.
/// A message never echoes a whole value back, however long it was (a status's text travels in a
/// header that clients cap; a log line should not carry a megabyte).
/// </summary>
public static class Quoted
{
    /// <summary>The most characters of a value a message quotes.</summary>
    public const int MaxLength = 40;

    public static string Text(string value) => value.Length <= MaxLength ? value : value[..MaxLength] + "…";
}
