using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Metrics.Server.Tests;

/// <summary>
/// Random and mutated protocol messages, from a seed: any field of any message set to a value
/// that is valid, edge or nonsense (empty, huge, control characters, SQL, undefined enum
/// numbers, timestamps and durations out of range, text past every length limit, repeated fields
/// with thousands of values), and serialized messages with bytes flipped or cut.
/// </summary>
internal sealed class MessageFuzzer(Random random, IReadOnlyList<string> knownCodes)
{
    private static readonly string[] Nonsense =
    [
        "", " ", "x", "2019-03", "13", "-1", "'; DROP TABLE observation; --", "../../etc/passwd", "%s%n%x", "\0", "\uFFFF\uD800",
        "🚓🚓", "ROBBERY", "null", "NaN", "west mercia", "WEST-MERCIA", "total recorded crime", "a/b/c", "Burglary|Theft",
    ];

    private static readonly long[] Integers = [0, 1, -1, 2, 3, 12, 13, 24, 100, 1899, 1900, 2019, 2999, 3000, int.MaxValue, int.MinValue, long.MaxValue, long.MinValue];

    private static readonly double[] Doubles = [0, -0.0, 1, -1, 0.5, 1e308, -1e308, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon];

    /// <summary>A copy of the message with one to three fields set at random (often deep in it).</summary>
    public T Mutate<T>(T template)
        where T : IMessage<T>
    {
        var message = template.Clone();
        for (var i = random.Next(1, 4); i > 0; i--)
        {
            MutateOne(message, depth: 0);
        }

        return message;
    }

    /// <summary>A message of the type with every field at random.</summary>
    public IMessage Fill(MessageDescriptor descriptor, int depth = 0)
    {
        var message = descriptor.Parser.ParseFrom(ByteString.Empty);
        foreach (var field in descriptor.Fields.InFieldNumberOrder())
        {
            if (random.Next(3) > 0)
            {
                Set(message, field, depth);
            }
        }

        return message;
    }

    /// <summary>The message's bytes with a few flipped, cut short or with junk added.</summary>
    public byte[] Corrupt(IMessage message)
    {
        var bytes = message.ToByteArray();
        switch (random.Next(4))
        {
            case 0 when bytes.Length > 0:
                for (var i = random.Next(1, 4); i > 0; i--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
                }

                return bytes;
            case 1 when bytes.Length > 1:
                return bytes[..random.Next(bytes.Length)];
            case 2:
                var junk = new byte[random.Next(1, 64)];
                random.NextBytes(junk);
                return [.. bytes, .. junk];
            default:
                var noise = new byte[random.Next(0, 256)];
                random.NextBytes(noise);
                return noise;
        }
    }

    private void MutateOne(IMessage message, int depth)
    {
        var fields = message.Descriptor.Fields.InFieldNumberOrder();
        if (fields.Count == 0)
        {
            return;
        }

        var field = fields[random.Next(fields.Count)];
        var current = field.IsRepeated ? null : field.Accessor.GetValue(message);
        if (field.FieldType == FieldType.Message && !field.IsRepeated && current is IMessage inner && depth < 4 && random.Next(2) == 0)
        {
            MutateOne(inner, depth + 1);
            return;
        }

        Set(message, field, depth);
    }

    private void Set(IMessage message, FieldDescriptor field, int depth)
    {
        if (field.IsRepeated)
        {
            var list = (System.Collections.IList)field.Accessor.GetValue(message);
            list.Clear();

            // Now and then far more values than a request may hold, often the same one again and again.
            var many = field.FieldType != FieldType.Message && random.Next(8) == 0;
            var repeated = random.Next(2) == 0 ? Value(field, depth) : null;
            for (var i = many ? random.Next(900, 3000) : random.Next(0, 5); i > 0; i--)
            {
                list.Add(repeated ?? Value(field, depth));
            }

            return;
        }

        if (field.FieldType == FieldType.Message && random.Next(5) == 0)
        {
            field.Accessor.Clear(message);
            return;
        }

        field.Accessor.SetValue(message, Value(field, depth));
    }

    private object Value(FieldDescriptor field, int depth) => field.FieldType switch
    {
        FieldType.String => Text(),
        FieldType.Bool => random.Next(2) == 0,
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => (int)Math.Clamp(Integer(), int.MinValue, int.MaxValue),
        FieldType.UInt32 or FieldType.Fixed32 => (uint)Math.Clamp(Integer(), 0, uint.MaxValue),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => Integer(),
        FieldType.UInt64 or FieldType.Fixed64 => (ulong)Math.Max(0, Integer()),
        FieldType.Double => Doubles[random.Next(Doubles.Length)],
        FieldType.Float => (float)Doubles[random.Next(Doubles.Length)],
        FieldType.Bytes => ByteString.CopyFrom([.. Enumerable.Range(0, random.Next(0, 32)).Select(_ => (byte)random.Next(256))]),
        FieldType.Enum => System.Enum.ToObject(field.EnumType.ClrType, random.Next(-2, 12)),
        _ when field.MessageType.ClrType == typeof(Timestamp) => new Timestamp { Seconds = random.Next(3) == 0 ? Integer() : 1552384800 + random.Next(-100_000_000, 100_000_000), Nanos = random.Next(4) == 0 ? (int)Integer() : 0 },
        _ when field.MessageType.ClrType == typeof(Duration) => new Duration { Seconds = random.Next(3) == 0 ? Integer() : random.Next(-100, 100_000), Nanos = random.Next(4) == 0 ? (int)Integer() : 0 },
        _ => depth < 3 ? Fill(field.MessageType, depth + 1) : field.MessageType.Parser.ParseFrom(ByteString.Empty),
    };

    private string Text() => random.Next(6) switch
    {
        0 or 1 => knownCodes[random.Next(knownCodes.Count)],
        2 => Nonsense[random.Next(Nonsense.Length)],
        3 => new string((char)random.Next(32, 127), random.Next(1, 40)),
        4 => new string('x', random.Next(3) == 0 ? random.Next(4_000, 100_000) : random.Next(90, 4_000)),
        _ => string.Concat(Enumerable.Range(0, random.Next(1, 30)).Select(_ => (char)random.Next(0, 0xD7FF))),
    };

    private long Integer() => random.Next(3) == 0 ? random.NextInt64(-5000, 5000) : Integers[random.Next(Integers.Length)];
}
