using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Metrics.Domain.Requests;
using Metrics.Server.Limits;
using Metrics.Storage.Engines;
using Microsoft.Extensions.Options;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc;

/// <summary>
/// The one place where what went wrong becomes a status, with the details a calling system
/// branches on (<see cref="ErrorDetails"/>). A request the service cannot answer (the domain's
/// <see cref="RequestException"/>s) gets NOT_FOUND, INVALID_ARGUMENT or FAILED_PRECONDITION with
/// its message; a caller over its limits RESOURCE_EXHAUSTED. Then the statuses of calls that end by no fault of their request: work stopped because the caller
/// went away or its deadline passed ends CANCELLED (the token every query, import and stream
/// takes stops it); a store that is locked, gone or failing over gives UNAVAILABLE at once, so a
/// client retries instead of waiting. Neither is an unknown error from the handler. A failed
/// statement rolls back its transaction, so nothing of the call is stored.
/// </summary>
internal sealed partial class FaultStatusInterceptor(Telemetry.ServiceMetrics metrics, IOptions<LimitOptions> limits, ILogger<FaultStatusInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (Translate(e, context) is { } status)
        {
            throw status;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception e) when (Translate(e, context) is { } status)
        {
            throw status;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (Translate(e, context) is { } status)
        {
            throw status;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception e) when (Translate(e, context) is { } status)
        {
            throw status;
        }
    }

    private RpcException? Translate(Exception e, ServerCallContext context)
    {
        if (e is RequestException request)
        {
            return ErrorDetails.Of(request);
        }

        if (e is LimitExceededException limit)
        {
            return ErrorDetails.Of(limit);
        }

        if (e is Imports.ImportRefusedException refusedRows)
        {
            return RefusedRows(refusedRows);
        }

        if (e is OperationCanceledException or IOException && context.CancellationToken.IsCancellationRequested)
        {
            // A closed wall tab or a Ctrl-C: routine, so one line at Debug (gRPC's own lines for it are filtered in appsettings.json).
            CallCancelled(logger, context.Method);
            // Within a moment of its deadline it is the deadline, whichever end's timer fired first.
            return context.Deadline <= DateTime.UtcNow.AddMilliseconds(250)
                ? new(new Status(StatusCode.DeadlineExceeded, "the call's deadline passed and its work stopped (what it had not yet acknowledged was not stored)"))
                : new(new Status(StatusCode.Cancelled, "the call was cancelled by the caller and its work stopped (what it had not yet acknowledged was not stored)"));
        }

        // Streamed messages are read inside the handler: gRPC's size error, with the setting named.
        if (e is RpcException { StatusCode: StatusCode.ResourceExhausted } large && large.Status.Detail == UndecodableRequests.GrpcSizeError)
        {
            return ErrorDetails.Exception(
                StatusCode.ResourceExhausted, V1.ErrorReason.MessageTooLarge, UndecodableRequests.TooLarge(limits.Value), [new("limit", limits.Value.Key(nameof(LimitOptions.MaxMessageBytes)))]);
        }

        // And a streamed message that does not decode.
        if (e is InvalidProtocolBufferException undecodable)
        {
            return ErrorDetails.Exception(StatusCode.InvalidArgument, V1.ErrorReason.MalformedRequest, $"a message of the stream is not valid: {undecodable.Message}");
        }

        // The store's own last check of what it writes (the edge checks fields first, by name).
        if (e is Storage.StoreRefusedException refused)
        {
            return ErrorDetails.Exception(StatusCode.InvalidArgument, V1.ErrorReason.InvalidField, refused.Message);
        }

        // A replica's shared event log without a quorum (or out of reach): the batch was not acknowledged.
        if (e is Server.Live.Log.EventLogUnavailableException noLog)
        {
            metrics.StoreUnavailable();
            return ErrorDetails.Exception(
                StatusCode.Unavailable,
                V1.ErrorReason.StoreUnavailable,
                $"the event log is unavailable: {noLog.Message}",
                retryAfter: ErrorDetails.StoreRetryAfter);
        }

        if (StoreFaults.IsUnavailable(e, out var reason))
        {
            metrics.StoreUnavailable();
            return ErrorDetails.Exception(
                StatusCode.Unavailable,
                V1.ErrorReason.StoreUnavailable,
                $"the historical store is unavailable ({reason}); this request was not stored or answered: retry",
                retryAfter: ErrorDetails.StoreRetryAfter);
        }

        return null;
    }

    /// <summary>
    /// An import that stored nothing because rows were refused: INVALID_ARGUMENT, with every
    /// reported row as a google.rpc.BadRequest field violation ("lines[4].month") and an ErrorInfo
    /// whose metadata counts the rows, so that a client can list them without parsing the message.
    /// </summary>
    private static RpcException RefusedRows(Imports.ImportRefusedException refused) =>
        ErrorDetails.Exception(
            StatusCode.InvalidArgument,
            V1.ErrorReason.ImportRowsRefused,
            refused.Message,
            [
                new("rows_read", refused.RowsRead.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("rows_refused", refused.RowsRefused.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ],
            refused.Problems.Select(p => new ErrorDetails.FieldViolation(
                p.Field.Length > 0 ? $"lines[{p.LineNumber}].{p.Field}" : $"lines[{p.LineNumber}]",
                p.Reason,
                Measures.ImportMapping.RefusalName(p.Refusal))));

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "{Method}: cancelled by the caller (or its deadline passed); its work stopped")]
    private static partial void CallCancelled(ILogger logger, string method);

}
