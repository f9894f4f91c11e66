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
/// A unary or server-streaming request whose message does not decode (cut short, invalid
/// UTF-8, bytes that are not the message) gets INVALID_ARGUMENT saying so. gRPC decodes these
/// messages before any interceptor runs and would answer UNKNOWN, as if the server had failed.
/// The message is peeked, not consumed: gRPC then reads the same bytes. (Streamed messages
/// are decoded inside the handlers, where <see cref="FaultStatusInterceptor"/> sees them.)
/// </summary>
internal sealed class UndecodableRequests(RequestDelegate next, IOptions<LimitOptions> limits)
{
    private static readonly FrozenDictionary<string, MessageDescriptor> SingleMessageRequests =
        new[] { V1.MeasuresReflection.Descriptor, V1.AnalyticsReflection.Descriptor, V1.EventsReflection.Descriptor, V1.LiveReflection.Descriptor }
            .SelectMany(file => file.Services)
            .SelectMany(service => service.Methods)
            .Where(method => !method.IsClientStreaming)
            .ToFrozenDictionary(method => $"/{method.Service.FullName}/{method.Name}", method => method.InputType, StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentType is { } type
            && type.StartsWith("application/grpc", StringComparison.Ordinal)
            && !type.StartsWith("application/grpc-web-text", StringComparison.Ordinal)
            && SingleMessageRequests.TryGetValue(context.Request.Path.Value ?? "", out var descriptor)
            && await WhyUndecodableAsync(context.Request.BodyReader, descriptor, limits.Value.MaxMessageBytes, context.RequestAborted) is { } why)
        {
            // A trailers-only response, as gRPC's own refusals are.
            context.Response.ContentType = type;
            context.Response.Headers["grpc-status"] = ((int)global::Grpc.Core.StatusCode.InvalidArgument).ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers["grpc-message"] = Uri.EscapeDataString($"the request is not a valid {descriptor.FullName}: {why}");
            return;
        }

        await next(context);
    }

    private static async Task<string?> WhyUndecodableAsync(PipeReader reader, MessageDescriptor descriptor, int maxMessageBytes, CancellationToken cancellationToken)
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

                // Compressed or over the size limit: gRPC's own handling says what is wrong.
                if (header[0] != 0 || length > maxMessageBytes)
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
                    return why;
                }
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.Start);
                return null;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
