using Google.Protobuf;
using Spectre.Console;

namespace Metrics.Console.Commands;

/// <summary>Prints a response as a table for people or as JSON for scripts.</summary>
internal static class Output
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithIndentation());

    public static int Print(IMessage response, bool json, Action render)
    {
        if (json)
        {
            System.Console.Out.WriteLine(Json.Format(response));
        }
        else
        {
            render();
        }

        return 0;
    }

    public static string Figure(double? value, string format = "N0") =>
        value is { } v ? v.ToString(format, System.Globalization.CultureInfo.InvariantCulture) : "–";

    public static Table Table(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(column);
        }

        return table;
    }
}
