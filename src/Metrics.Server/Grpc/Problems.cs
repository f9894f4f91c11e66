using Grpc.Core;

namespace Metrics.Server.Grpc;

/// <summary>The errors a caller sees: a status that says what is wrong, naming the field or the thing.</summary>
internal static class Problems
{
    public static RpcException NotFound(string what, string key) =>
        new(new Status(StatusCode.NotFound, $"{what} '{key}' does not exist"));

    public static RpcException Invalid(string field, string why) =>
        new(new Status(StatusCode.InvalidArgument, $"{field}: {why}"));

    public static RpcException Required(string field) => Invalid(field, "is required");

    /// <summary>The thing exists but holds no figure for what was asked.</summary>
    public static RpcException NoFigure(string message) => new(new Status(StatusCode.NotFound, message));

    /// <summary>The request is valid but the data cannot answer it yet (a series too short).</summary>
    public static RpcException Precondition(string message) => new(new Status(StatusCode.FailedPrecondition, message));
}
