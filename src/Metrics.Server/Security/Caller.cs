using Grpc.Core;

namespace Metrics.Server.Security;

/// <summary>Who is calling: the token's subject (per-caller limits, who made a batch), and whether they administer.</summary>
internal static class Caller
{
    public static string Of(ServerCallContext context) =>
        context.GetHttpContext().User.FindFirst("sub")?.Value ?? "anonymous";

    /// <summary>
    /// Whether the caller holds the admin role: who made a batch names a person, so only those
    /// who may change the figures see it.
    /// </summary>
    public static bool Administers(ServerCallContext context) =>
        context.GetHttpContext().User.IsInRole(ForceRoles.Admin);
}
