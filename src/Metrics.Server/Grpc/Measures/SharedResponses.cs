using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc.Measures;

/// <summary>
/// Responses the server hands to many calls (a cached series) are serialized once, when they
/// are shared, and their bytes sent to every caller instead of being written again each call
/// (the measurements: docs/performance.md, GetSeries).
/// </summary>
/// <remarks>A shared response must not be changed afterwards: its bytes would no longer match.</remarks>
internal static class SharedResponses
{
    private static readonly ConditionalWeakTable<IMessage, byte[]> Serialized = [];

    /// <summary>Serializes the response now, for every call it will answer.</summary>
    public static T Share<T>(T response)
        where T : IMessage
    {
        Serialized.AddOrUpdate(response, response.ToByteArray());
        return response;
    }

    /// <summary>A message's marshaller that sends a shared response's bytes as they are.</summary>
    public static Marshaller<T> Marshaller<T>(MessageParser<T> parser)
        where T : IMessage<T> => new(
        (message, context) =>
        {
            if (Serialized.TryGetValue(message, out var bytes))
            {
                context.Complete(bytes);
                return;
            }

            context.SetPayloadLength(message.CalculateSize());
            message.WriteTo(context.GetBufferWriter());
            context.Complete();
        },
        context => parser.ParseFrom(context.PayloadAsReadOnlySequence()));
}

/// <summary>
/// Binds GetSeries with the <see cref="SharedResponses"/> marshaller. grpc-dotnet takes a
/// method's marshallers from the generated binding and offers no way to change them there, so
/// this adds a second endpoint for the same route, marked to be ordered first
/// (<see cref="OrderFirst"/>); the generated one stays behind it, never matched.
/// </summary>
internal sealed class SharedResponseMethods : IServiceMethodProvider<MeasuresService>
{
    private static readonly SharedResponseMethods Marker = new();

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<MeasuresService> context)
    {
        var method = new Method<V1.GetSeriesRequest, V1.GetSeriesResponse>(
            MethodType.Unary,
            V1.MeasuresService.Descriptor.FullName,
            nameof(MeasuresService.GetSeries),
            SharedResponses.Marshaller(V1.GetSeriesRequest.Parser),
            SharedResponses.Marshaller(V1.GetSeriesResponse.Parser));
        var handler = typeof(MeasuresService).GetMethod(nameof(MeasuresService.GetSeries))!;
        List<object> metadata =
        [
            .. typeof(MeasuresService).GetCustomAttributes(inherit: true),
            .. handler.GetCustomAttributes(inherit: true),
            new HttpMethodMetadata(["POST"], acceptCorsPreflight: true),
            Marker,
        ];
        context.AddUnaryMethod(method, metadata, (service, request, call) => service.GetSeries(request, call));
    }

    /// <summary>The endpoint convention that puts these endpoints before the generated ones.</summary>
    public static void OrderFirst(EndpointBuilder endpoint)
    {
        if (endpoint is RouteEndpointBuilder route && route.Metadata.Contains(Marker))
        {
            route.Order = -1;
        }
    }
}
