using CsvHelper;

namespace Metrics.Console.Imports;

/// <summary>
/// Opens data files strictly: a file that cannot be read whole (an unclosed quote, a row with
/// more or fewer fields than the header) is refused whole, naming the line, and never read as
/// if it ended early. The import is then cancelled before the server stores anything.
/// </summary>
internal static class CsvFiles
{
    /// <param name="lineBreaksInQuotes">
    /// False for files whose fields never span lines (police.uk's): an unclosed quote is then
    /// found on its own line instead of at the end of the file.
    /// </param>
    public static CsvReader Open(string path, bool lineBreaksInQuotes = true) => CsvReader.FromFile(path, new CsvReaderOptions
    {
        TrackLineNumbers = true,
        MalformedData = CsvMalformedDataHandling.Throw,
        FieldCountMismatch = CsvFieldCountHandling.Throw,
        AllowLineBreaksInQuotes = lineBreaksInQuotes,
    });

    /// <summary>The next record, or false at the end; a malformed one is an error naming the file and line.</summary>
    public static bool Next(CsvReader csv, string path)
    {
        try
        {
            return csv.Read();
        }
        catch (CsvFormatException malformed)
        {
            throw Refused(path, malformed);
        }
    }

    public static void ReadHeader(CsvReader csv, string path)
    {
        try
        {
            csv.ReadHeader();
        }
        catch (CsvFormatException malformed)
        {
            throw Refused(path, malformed);
        }
    }

    private static InvalidDataException Refused(string path, CsvFormatException malformed) =>
        new($"{Path.GetFileName(path)} line {malformed.LineNumber}: {malformed.Message.TrimEnd('.')}. The file was refused whole: nothing was stored", malformed);
}
