using System.ComponentModel;
using Grpc.Core;
using Spectre.Console.Cli;

namespace Metrics.Console.Commands;

/// <summary>
/// Options of a command that changes stored data: every change is sent with a request id, so
/// that when its answer is lost it can be sent again and stored once.
/// </summary>
public class RepeatableSettings : ServerSettings
{
    private string? requestId;

    [CommandOption("--request-id <UUID>")]
    [Description("Send a change again after its answer was lost (the id the failed attempt printed): the server answers what it stored, and stores nothing twice")]
    public string? RequestId { get; init; }

    /// <summary>The id given, or one made for this run.</summary>
    public string Request() => requestId ??= string.IsNullOrWhiteSpace(RequestId) ? Guid.NewGuid().ToString("D") : RequestId.Trim();

    /// <summary>
    /// Sends the change; when the connection fails before its answer comes, says how to learn
    /// whether it was stored without storing it twice.
    /// </summary>
    public async Task<T> SendAsync<T>(Func<string, Task<T>> send)
    {
        var id = Request();
        try
        {
            return await send(id);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown)
        {
            throw new ChangeOutcomeUnknownException(
                $"{e.StatusCode}: {e.Status.Detail}. The server may have stored the change before its answer was lost: run the same command again "
                + $"with --request-id {id} to get that answer (stored once either way).",
                e);
        }
    }
}

/// <summary>A change whose answer did not come: it may or may not have been stored.</summary>
public sealed class ChangeOutcomeUnknownException(string message, Exception inner) : Exception(message, inner);
