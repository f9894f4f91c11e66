using Google.Protobuf.Reflection;

namespace Metrics.Contracts.V1;

/// <summary>The protocol's services as described by protos/, for code that walks every RPC (checks at the edge, tests).</summary>
public static class Protocol
{
    public static IReadOnlyList<ServiceDescriptor> Services { get; } =
        [.. new[] { MeasuresReflection.Descriptor, AnalyticsReflection.Descriptor, EventsReflection.Descriptor, LiveReflection.Descriptor }.SelectMany(file => file.Services)];

    public static IEnumerable<MethodDescriptor> Rpcs => Services.SelectMany(service => service.Methods);

    /// <summary>
    /// The gRPC health service name that answers for the process alone (liveness); the default
    /// name ("") answers for the process and its store (readiness).
    /// </summary>
    public const string LivenessHealthService = "liveness";
}
