using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Metrics.Domain.Requests;
using Metrics.Server.Limits;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc;

/// <summary>
/// The size of what a request may ask for, checked on every message before its handler reads
/// it: no text longer than <see cref="LimitOptions.MaxTextLength"/>, no repeated field with more
/// than <see cref="LimitOptions.MaxValuesPerField"/> values, and repeated ids, codes and feeds
/// de-duplicated in place (asking for a measure twice is asking for it once). A request cannot
/// then make the server build a response it could not accept as a request, nor echo a megabyte
/// into a status. Events are left to the ingest's own checks, which refuse a bad event by its
/// index and keep the rest of the batch.
/// </summary>
internal static class RequestBounds
{
    private static readonly ConcurrentDictionary<MessageDescriptor, FieldDescriptor[]> Checked = new();

    public static void Check(IMessage request, LimitOptions limits) => Walk(request, string.Empty, limits);

    private static void Walk(IMessage message, string path, LimitOptions limits)
    {
        foreach (var field in Checked.GetOrAdd(message.Descriptor, FieldsToCheck))
        {
            var name = path + field.Name;
            if (field.IsRepeated)
            {
                var values = (IList)field.Accessor.GetValue(message);
                if (field.FieldType != FieldType.Message)
                {
                    Deduplicate(values);
                }

                if (values.Count > limits.MaxValuesPerField)
                {
                    throw new InvalidFieldException(name, string.Create(
                        CultureInfo.InvariantCulture,
                        $"holds {values.Count:N0} values; the most is {limits.MaxValuesPerField:N0} ({limits.Key(nameof(LimitOptions.MaxValuesPerField))})"));
                }

                for (var i = 0; i < values.Count; i++)
                {
                    Value(values[i], $"{name}[{i}]", limits);
                }
            }
            else if (field.FieldType == FieldType.String || field.Accessor.HasValue(message))
            {
                Value(field.Accessor.GetValue(message), name, limits);
            }
        }
    }

    private static void Value(object? value, string name, LimitOptions limits)
    {
        if (value is string text && text.Length > limits.MaxTextLength)
        {
            throw new InvalidFieldException(name, string.Create(
                CultureInfo.InvariantCulture,
                $"is {text.Length:N0} characters; the most is {limits.MaxTextLength:N0} ({limits.Key(nameof(LimitOptions.MaxTextLength))})"));
        }

        if (value is IMessage inner)
        {
            Walk(inner, name + ".", limits);
        }
    }

    /// <summary>Keeps the first of each value, in order.</summary>
    private static void Deduplicate(IList values)
    {
        if (values.Count < 2)
        {
            return;
        }

        var seen = new HashSet<object>();
        for (var i = 0; i < values.Count;)
        {
            if (seen.Add(values[i]!))
            {
                i++;
            }
            else
            {
                values.RemoveAt(i);
            }
        }
    }

    /// <summary>The fields that can hold text or many values, at any depth; the rest (numbers, times) need no walk.</summary>
    private static FieldDescriptor[] FieldsToCheck(MessageDescriptor message) =>
        message.Fields.InFieldNumberOrder().Where(f => NeedsCheck(f, [])).ToArray();

    private static bool NeedsCheck(FieldDescriptor field, HashSet<MessageDescriptor> visiting) =>
        field.FieldType == FieldType.Message && field.MessageType == V1.OperationalEvent.Descriptor
            ? false
            : field.IsRepeated || field.FieldType == FieldType.String
              || (field.FieldType == FieldType.Message
                  && visiting.Add(field.MessageType)
                  && field.MessageType.Fields.InFieldNumberOrder().Any(f => NeedsCheck(f, visiting)));
}
