using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Metrics.Domain.Requests;
using Metrics.Server.Limits;
using Metrics.Storage.Engines;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Grpc;

/// <summary>
/// The one place where what went wrong becomes a status. A request the service cannot answer
/// (the domain's <see cref="RequestException"/>s) gets NOT_FOUND, INVALID_ARGUMENT or
/// FAILED_PRECONDITION with its message. Then the statuses of calls that end by no fault of their request: work stopped because the caller
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
            return new(new Status(StatusOf(request), request.Message));
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
            return new(new Status(StatusCode.ResourceExhausted, UndecodableRequests.TooLarge(limits.Value)));
        }

        // And a streamed message that does not decode.
        if (e is InvalidProtocolBufferException undecodable)
        {
            return new(new Status(StatusCode.InvalidArgument, $"a message of the stream is not valid: {undecodable.Message}"));
        }

        // The store's own last check of what it writes (the edge checks fields first, by name).
        if (e is Storage.StoreRefusedException refused)
        {
            return new(new Status(StatusCode.InvalidArgument, refused.Message));
        }

        if (StoreFaults.IsUnavailable(e, out var reason))
        {
            metrics.StoreUnavailable();
            return new(new Status(StatusCode.Unavailable, $"the historical store is unavailable ({reason}); this request was not stored or answered: retry"));
        }

        return null;
    }

    /// <summary>
    /// An import that stored nothing because rows were refused: INVALID_ARGUMENT, with every
    /// reported row as a google.rpc.BadRequest field violation ("lines[4].month") and an ErrorInfo
    /// whose metadata counts the rows, so that a client can list them without parsing the message.
    /// </summary>
    private static RpcException RefusedRows(Imports.ImportRefusedException refused)
    {
        var badRequest = new Google.Rpc.BadRequest();
        badRequest.FieldViolations.Add(refused.Problems.Select(p => new Google.Rpc.BadRequest.Types.FieldViolation
        {
            Field = p.Field.Length > 0 ? $"lines[{p.LineNumber}].{p.Field}" : $"lines[{p.LineNumber}]",
            Description = p.Reason,
        }));
        var info = new Google.Rpc.ErrorInfo { Reason = "IMPORT_ROWS_REFUSED", Domain = "metrics.v1" };
        info.Metadata.Add("rows_read", refused.RowsRead.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.Metadata.Add("rows_refused", refused.RowsRefused.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var status = new Google.Rpc.Status
        {
            Code = (int)StatusCode.InvalidArgument,
            Message = refused.Message,
            Details = { Any.Pack(info), Any.Pack(badRequest) },
        };
        return status.ToRpcException();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "{Method}: cancelled by the caller (or its deadline passed); its work stopped")]
    private static partial void CallCancelled(ILogger logger, string method);

    public static StatusCode StatusOf(RequestException e) => e switch
    {
        NotFoundException => StatusCode.NotFound,
        InvalidFieldException => StatusCode.InvalidArgument,
        NotEnoughDataException => StatusCode.FailedPrecondition,
        ConflictException => StatusCode.FailedPrecondition,
        _ => StatusCode.InvalidArgument,
    };
}
