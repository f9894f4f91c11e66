using Grpc.Core;

namespace Metrics.Server.Security;

/// <summary>Who is calling, for the per-caller limits: the token's subject.</summary>
internal static class Caller
{
    public static string Of(ServerCallContext context) =>
        context.GetHttpContext().User.FindFirst("sub")?.Value ?? "anonymous";
}
