using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Metrics.Domain.Requests;
using Metrics.Server.Requests;
using Metrics.Server.Security;
using Metrics.Storage.Repositories;

namespace Metrics.Server.Grpc;

/// <summary>
/// What a request asks, as a SHA-256 of the method and its messages in order (the request id
/// left out): a repeat has the same digest, another request sent under the same id does not.
/// </summary>
internal sealed class RequestDigest : IDisposable
{
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[]? digest;

    public RequestDigest(string method) => hash.AppendData(System.Text.Encoding.UTF8.GetBytes(method));

    /// <summary>Adds a message, length first, so that the same bytes split differently differ.</summary>
    public void Add(IMessage message)
    {
        var bytes = message.ToByteArray();
        hash.AppendData(BitConverter.GetBytes(bytes.Length));
        hash.AppendData(bytes);
    }

    /// <summary>The digest of everything added; nothing can be added after.</summary>
    public byte[] Finish() => digest ??= hash.GetHashAndReset();

    public void Dispose() => hash.Dispose();
}

/// <summary>
/// Requests that carry a request id (AIP-155): the first is carried out and its answer kept (an
/// import's in the import's own transaction); a repeat from the same caller within
/// <see cref="RequestRepository.KeptFor"/> gets that answer and changes nothing; the same id with
/// other content is refused (REQUEST_ID_REUSED). A request without an id is carried out as it is.
/// </summary>
internal sealed class RequestRepeats(RequestRepository requests, TimeProvider clock, ILogger<RequestRepeats> logger)
{
    /// <summary>The id as kept (a UUID, lower case), or null when the request has none.</summary>
    public static string? IdOf(string requestId, string field) =>
        requestId.Length == 0 ? null
        : Guid.TryParseExact(requestId, "D", out var id) && id != Guid.Empty ? id.ToString("D")
        : throw new InvalidFieldException(field, $"'{Quoted.Text(requestId)}' is not a UUID (such as 3f2b8c1e-5d4a-4e6f-9b7a-2c1d0e9f8a7b); make a new one for each request");

    /// <summary>
    /// A streamed import: <paramref name="work"/> stores it (recording the answer with the batch);
    /// for a repeat, <paramref name="readRest"/> reads the rest of the stream into the digest so it can be compared.
    /// </summary>
    public async Task<TResponse> ImportOnceAsync<TResult, TResponse>(
        string requestId,
        string field,
        RequestDigest? digest,
        ServerCallContext context,
        Func<Task> readRest,
        Func<Repeatable<TResult>?, Task<TResult>> work,
        Func<TResult, TResponse> respond,
        MessageParser<TResponse> parser)
        where TResponse : IMessage<TResponse>
    {
        if (IdOf(requestId, field) is not { } id || digest is null)
        {
            return respond(await work(null));
        }

        var caller = Caller.Of(context);
        var answered = await requests.FindAsync(caller, id, clock.GetUtcNow(), context.CancellationToken);
        if (answered is null)
        {
            try
            {
                return respond(await work(new Repeatable<TResult>(caller, id, digest.Finish, r => respond(r).ToByteArray())));
            }
            catch (RequestAnsweredException e)
            {
                // The same request, sent again while the first was being stored: the first's answer stands.
                answered = e.Answered;
            }
        }
        else
        {
            await readRest();
        }

        return Repeat(answered, digest.Finish(), field, parser, context.Method);
    }

    /// <summary>
    /// A unary request (a definition): the answer is kept once it is made, unless nothing was
    /// stored (<paramref name="record"/> false: a dry run). The digest is of the request with its
    /// id cleared (<paramref name="clearRequestId"/>, on a copy).
    /// </summary>
    public async Task<TResponse> AnswerOnceAsync<TRequest, TResponse>(
        TRequest request, string requestId, Action<TRequest> clearRequestId, bool record, ServerCallContext context, Func<Task<TResponse>> work,
        MessageParser<TResponse> parser)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        const string field = "request_id";
        if (IdOf(requestId, field) is not { } id)
        {
            return await work();
        }

        using var digest = new RequestDigest(context.Method);
        var withoutId = request.Clone();
        clearRequestId(withoutId);
        digest.Add(withoutId);
        var caller = Caller.Of(context);
        if (await requests.FindAsync(caller, id, clock.GetUtcNow(), context.CancellationToken) is { } answered)
        {
            return Repeat(answered, digest.Finish(), field, parser, context.Method);
        }

        var response = await work();
        if (record)
        {
            await requests.RecordAsync(caller, id, digest.Finish(), response.ToByteArray(), clock.GetUtcNow(), context.CancellationToken);
        }

        return response;
    }

    private TResponse Repeat<TResponse>(AnsweredRequest answered, byte[] digest, string field, MessageParser<TResponse> parser, string method)
        where TResponse : IMessage<TResponse>
    {
        if (!CryptographicOperations.FixedTimeEquals(answered.Digest, digest))
        {
            var details = new Dictionary<string, string> { ["request_id"] = answered.RequestId };
            if (answered.ImportId is { } importId)
            {
                details["import_id"] = importId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            var made = answered.ImportId is { } batch ? $", which made import {batch}" : "";
            throw new InvalidFieldException(
                field,
                $"'{answered.RequestId}' was given at {answered.AnsweredAt:yyyy-MM-dd HH:mm:ss} UTC to a request with other content{made}; a new request needs a new id",
                RequestFailure.RequestIdReused,
                details);
        }

        logger.LogInformation("{Method}: request {RequestId} was sent again; answered as at {AnsweredAt:O}, nothing changed", method, answered.RequestId, answered.AnsweredAt);
        return parser.ParseFrom(answered.Answer);
    }
}
