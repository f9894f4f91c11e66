using System.Diagnostics;

namespace Metrics.Server.Telemetry;

/// <summary>
/// The server's own spans, inside each RPC's span (ASP.NET Core's, tagged with the gRPC method
/// and status): where a call's time goes between validating, storing and applying.
/// </summary>
internal static class ServiceTraces
{
    public const string SourceName = "Metrics.Server";

    public static readonly ActivitySource Source = new(SourceName);
}
