using System.Globalization;
using Grpc.Core;

namespace Metrics.Server.Grpc;

/// <summary>
/// A gRPC refusal written before gRPC handles the call (by a middleware): a trailers-only
/// response, whose status gRPC and gRPC-Web clients both read from the headers.
/// </summary>
internal static class TrailersOnly
{
    public static void Refuse(HttpContext context, StatusCode code, string message)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = context.Request.ContentType;
        context.Response.Headers["grpc-status"] = ((int)code).ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
    }
}
