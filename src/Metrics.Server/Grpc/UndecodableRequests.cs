using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Frozen;
using System.IO.Pipelines;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Metrics.Server.Limits;
using Microsoft.Extensions.Options;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc;

/// <summary>
/// A unary or server-streaming request whose message is missing, cut short or does not decode (invalid
/// UTF-8, bytes that are not the message) gets INVALID_ARGUMENT saying so, and one over the
/// size limit RESOURCE_EXHAUSTED naming the limit. gRPC decodes these messages before any
/// interceptor runs and would answer UNKNOWN, as if the server had failed, or a size error
/// without the setting's name. The message is peeked, not consumed: gRPC then reads the same
/// bytes. (Streamed messages are decoded inside the handlers, where
/// <see cref="FaultStatusInterceptor"/> sees them.)
/// </summary>
internal sealed class UndecodableRequests(RequestDelegate next, IOptions<LimitOptions> limits)
{
    private static readonly FrozenDictionary<string, MessageDescriptor> SingleMessageRequests =
        V1.Protocol.Rpcs
            .Concat(global::Grpc.Health.V1.Health.Descriptor.Methods)
            .Where(method => !method.IsClientStreaming)
            .ToFrozenDictionary(method => $"/{method.Service.FullName}/{method.Name}", method => method.InputType, StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentType is { } type
            && type.StartsWith("application/grpc", StringComparison.Ordinal)
            && !type.StartsWith("application/grpc-web-text", StringComparison.Ordinal)
            && SingleMessageRequests.TryGetValue(context.Request.Path.Value ?? "", out var descriptor)
            && await RefusalAsync(context.Request.BodyReader, descriptor, limits.Value, context.RequestAborted) is { } refusal)
        {
            TrailersOnly.Refuse(context, refusal);
            return;
        }

        await next(context);
    }

    /// <summary>The message gRPC's size error gives, for <see cref="FaultStatusInterceptor"/> to name the limit in it.</summary>
    public const string GrpcSizeError = "Received message exceeds the maximum configured message size.";

    public static string TooLarge(LimitOptions limits, long? bytes = null) => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"the message is {(bytes is { } b ? $"{b:N0} bytes" : "larger than the limit")}; the most is {limits.MaxMessageBytes:N0} bytes ({limits.Key(nameof(LimitOptions.MaxMessageBytes))})");

    private static async Task<Google.Rpc.Status?> RefusalAsync(
        PipeReader reader, MessageDescriptor descriptor, LimitOptions limits, CancellationToken cancellationToken)
    {
        var header = new byte[5];
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (buffer.Length >= 5)
            {
                buffer.Slice(0, 5).CopyTo(header);
                var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));

                if (length > limits.MaxMessageBytes)
                {
                    reader.AdvanceTo(buffer.Start);
                    return ErrorDetails.Status(
                        global::Grpc.Core.StatusCode.ResourceExhausted,
                        V1.ErrorReason.MessageTooLarge,
                        TooLarge(limits, length),
                        [new("limit", limits.Key(nameof(LimitOptions.MaxMessageBytes))), new("bytes", length.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
                }

                // Compressed: gRPC's own handling decompresses and decodes it.
                if (header[0] != 0)
                {
                    reader.AdvanceTo(buffer.Start);
                    return null;
                }

                if (buffer.Length >= 5 + length)
                {
                    string? why = null;
                    try
                    {
                        descriptor.Parser.ParseFrom(buffer.Slice(5, length));
                    }
                    catch (InvalidProtocolBufferException e)
                    {
                        why = e.Message;
                    }

                    reader.AdvanceTo(buffer.Start);
                    return why is null ? null : Malformed($"the request is not a valid {descriptor.FullName}: {why}");
                }
            }

            if (result.IsCompleted)
            {
                // The body ended before the message did: gRPC would answer INTERNAL "Incomplete message".
                var arrived = buffer.Length;
                reader.AdvanceTo(buffer.Start);
                return Malformed(arrived switch
                {
                    0 => $"the request holds no message; {descriptor.FullName} is required",
                    < 5 => $"the request is cut short: {arrived} bytes of the 5-byte gRPC frame header arrived",
                    _ => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the request is cut short: its frame declares {BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1)):N0} bytes and {arrived - 5:N0} arrived"),
                });
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static Google.Rpc.Status Malformed(string message) =>
        ErrorDetails.Status(global::Grpc.Core.StatusCode.InvalidArgument, V1.ErrorReason.MalformedRequest, message);
}
