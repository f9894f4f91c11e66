using Grpc.Core;

namespace Metrics.Server.Tests;

/// <summary>What a calling system reads from an error's google.rpc details, to branch on it.</summary>
internal static class ErrorRead
{
    /// <summary>The ErrorInfo's reason and metadata ("UNKNOWN_MEASURE", measure_id=...); the domain must be metrics.v1.</summary>
    public static (string Reason, IReadOnlyDictionary<string, string> Metadata) Info(RpcException error)
    {
        var info = error.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()
            ?? throw new Xunit.Sdk.XunitException($"{error.StatusCode} '{error.Status.Detail}' carries no google.rpc.ErrorInfo");
        Assert.Equal("metrics.v1", info.Domain);
        return (info.Reason, info.Metadata);
    }

    public static string Reason(RpcException error) => Info(error).Reason;

    /// <summary>The BadRequest's field paths, empty when it carries none.</summary>
    public static IReadOnlyList<string> Fields(RpcException error) =>
        error.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>()?.FieldViolations.Select(v => v.Field).ToList() ?? [];

    /// <summary>How long the RetryInfo says to wait, null when it carries none.</summary>
    public static TimeSpan? RetryDelay(RpcException error) => error.GetRpcStatus()?.GetDetail<Google.Rpc.RetryInfo>()?.RetryDelay.ToTimeSpan();
}
