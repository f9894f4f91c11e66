using System.Buffers;
using System.Data.Common;
using System.Text;
using System.Text.Json;

namespace Metrics.Storage.Engines;

/// <summary>
/// Many rows sent to the engine as one JSON array in one parameter, read there by json_each
/// (SQLite) or OPENJSON (SQL Server): one statement and one round trip for a whole batch, where
/// a statement per row cost a round trip per row. Each row is an array of its columns.
/// </summary>
public static class JsonRows
{
    /// <summary>The rows as one JSON array, each written by <paramref name="writeRow"/> as an array of its columns.</summary>
    public static string Write<T>(IEnumerable<T> rows, Action<Utf8JsonWriter, T> writeRow)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var row in rows)
            {
                json.WriteStartArray();
                writeRow(json, row);
                json.WriteEndArray();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Strings as one JSON array of strings.</summary>
    public static string WriteValues(IEnumerable<string> values)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var value in values)
            {
                json.WriteStringValue(value);
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Adds the rows to a command as one text parameter of any length (NVARCHAR(MAX) on SQL Server).</summary>
    public static void AddParameter(DbCommand command, string name, string json)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = System.Data.DbType.String;
        parameter.Size = -1;
        parameter.Value = json;
        command.Parameters.Add(parameter);
    }

    /// <summary>A number, or JSON null.</summary>
    public static void WriteNumberOrNull(this Utf8JsonWriter json, double? value)
    {
        if (value is { } number)
        {
            json.WriteNumberValue(number);
        }
        else
        {
            json.WriteNullValue();
        }
    }

    /// <summary>A number, or JSON null.</summary>
    public static void WriteNumberOrNull(this Utf8JsonWriter json, long? value)
    {
        if (value is { } number)
        {
            json.WriteNumberValue(number);
        }
        else
        {
            json.WriteNullValue();
        }
    }
}
