using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Metrics.Domain.Requests;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc;

/// <summary>
/// A failure as a status a calling system can branch on (common.proto's ErrorReason): the code,
/// the message, and google.rpc details: an ErrorInfo with the reason and what it is about,
/// a BadRequest naming the field for INVALID_ARGUMENT, a RetryInfo where waiting helps.
/// </summary>
internal static class ErrorDetails
{
    public const string Domain = "metrics.v1";


    /// <summary>A store that is unavailable is usually back within a second or two (a lock, a failover).</summary>
    public static readonly TimeSpan StoreRetryAfter = TimeSpan.FromSeconds(1);

    public static Google.Rpc.Status Status(
        StatusCode code,
        V1.ErrorReason reason,
        string message,
        IEnumerable<KeyValuePair<string, string>>? metadata = null,
        IEnumerable<FieldViolation>? fieldViolations = null,
        TimeSpan? retryAfter = null)
    {
        var info = new Google.Rpc.ErrorInfo { Reason = ReasonName(reason), Domain = Domain };
        foreach (var (key, value) in metadata ?? [])
        {
            info.Metadata[key] = value;
        }

        var status = new Google.Rpc.Status { Code = (int)code, Message = message, Details = { Any.Pack(info) } };
        if (fieldViolations?.ToList() is { Count: > 0 } violations)
        {
            var badRequest = new Google.Rpc.BadRequest();
            badRequest.FieldViolations.Add(violations.Select(v => new Google.Rpc.BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description, Reason = v.Reason }));
            status.Details.Add(Any.Pack(badRequest));
        }

        if (retryAfter is { } delay)
        {
            status.Details.Add(Any.Pack(new Google.Rpc.RetryInfo { RetryDelay = Duration.FromTimeSpan(delay) }));
        }

        return status;
    }

    public static RpcException Exception(
        StatusCode code,
        V1.ErrorReason reason,
        string message,
        IEnumerable<KeyValuePair<string, string>>? metadata = null,
        IEnumerable<FieldViolation>? fieldViolations = null,
        TimeSpan? retryAfter = null) =>
        Status(code, reason, message, metadata, fieldViolations, retryAfter).ToRpcException();

    /// <summary>A request the service could not answer, as its status: the failure decides the code and the reason.</summary>
    public static RpcException Of(RequestException e)
    {
        var (code, reason) = e.Failure switch
        {
            RequestFailure.InvalidField => (StatusCode.InvalidArgument, V1.ErrorReason.InvalidField),
            RequestFailure.UnknownMeasure => (StatusCode.NotFound, V1.ErrorReason.UnknownMeasure),
            RequestFailure.UnknownArea => (StatusCode.NotFound, V1.ErrorReason.UnknownArea),
            RequestFailure.UnknownForce => (StatusCode.NotFound, V1.ErrorReason.UnknownForce),
            RequestFailure.UnknownBreakdown => (StatusCode.NotFound, V1.ErrorReason.UnknownBreakdown),
            RequestFailure.UnknownImport => (StatusCode.NotFound, V1.ErrorReason.UnknownImport),
            RequestFailure.NoFigureForPeriod => (StatusCode.FailedPrecondition, V1.ErrorReason.NoFigureForPeriod),
            RequestFailure.TooLittleHistory => (StatusCode.FailedPrecondition, V1.ErrorReason.TooLittleHistory),
            RequestFailure.ConflictingChange => (StatusCode.FailedPrecondition, V1.ErrorReason.ConflictingChange),
            RequestFailure.NotRenewable => (StatusCode.FailedPrecondition, V1.ErrorReason.NotRenewable),
            RequestFailure.RequestIdReused => (StatusCode.InvalidArgument, V1.ErrorReason.RequestIdReused),
            _ => (StatusCode.InvalidArgument, V1.ErrorReason.Unspecified),
        };
        FieldViolation[] violations = e is InvalidFieldException invalid ? [new(invalid.Field, invalid.Reason)] : [];
        return Exception(code, reason, e.Message, e.Details, violations);
    }

    /// <summary>
    /// A caller over a limit: RESOURCE_EXHAUSTED with the setting and when to try again; a batch
    /// of too many events is the request's fault (INVALID_ARGUMENT, naming the field).
    /// </summary>
    public static RpcException Of(Limits.LimitExceededException limit) =>
        Exception(CodeOf(limit), ReasonOf(limit), limit.Message, [new("limit", limit.Setting)], FieldsOf(limit), limit.RetryAfter);

    public static V1.ErrorReason ReasonOf(Limits.LimitExceededException limit) => limit.Limit switch
    {
        Limits.LimitExceeded.Streams => V1.ErrorReason.StreamLimit,
        Limits.LimitExceeded.EventsPerBatch => V1.ErrorReason.BatchTooLarge,
        _ => V1.ErrorReason.RateLimited,
    };

    private static StatusCode CodeOf(Limits.LimitExceededException limit) =>
        limit.Limit == Limits.LimitExceeded.EventsPerBatch ? StatusCode.InvalidArgument : StatusCode.ResourceExhausted;

    private static FieldViolation[] FieldsOf(Limits.LimitExceededException limit) =>
        limit.Limit == Limits.LimitExceeded.EventsPerBatch ? [new("events", limit.Message)] : [];

    /// <summary>A field at fault: its path in the request, what is wrong, and (for an import's line) why as a code.</summary>
    public sealed record FieldViolation(string Field, string Description, string Reason = "");

    /// <summary>"UNKNOWN_MEASURE": the enum value's name in the proto, without its prefix.</summary>
    public static string ReasonName(V1.ErrorReason reason) => NameWithoutPrefix(V1.CommonReflection.Descriptor, "ErrorReason", (int)reason);

    /// <summary>
    /// An enum value's name as the proto declares it, without the prefix buf's lint requires
    /// ("ROW_REFUSAL_UNKNOWN_AREA" is "UNKNOWN_AREA"): the name a detail's reason carries.
    /// </summary>
    public static string NameWithoutPrefix(Google.Protobuf.Reflection.FileDescriptor file, string enumName, int number)
    {
        var name = file.FindTypeByName<Google.Protobuf.Reflection.EnumDescriptor>(enumName).FindValueByNumber(number)?.Name
            ?? number.ToString(CultureInfo.InvariantCulture);
        var prefix = string.Concat(enumName.Select((c, i) => i > 0 && char.IsUpper(c) ? $"_{c}" : $"{char.ToUpperInvariant(c)}")) + "_";
        return name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name;
    }
}
