using Grpc.Core;
using Metrics.Domain.Requests;

namespace Metrics.Server.Grpc.Measures;

/// <summary>An import stream is a header message, then items; anything else is INVALID_ARGUMENT.</summary>
internal static class ImportStreams
{
    /// <summary>A digest of the request for its id (the header without it), or null when it has none.</summary>
    public static RequestDigest? DigestFor<THeader>(string requestId, THeader header, Action<THeader> clearRequestId, ServerCallContext context)
        where THeader : Google.Protobuf.IMessage<THeader>
    {
        if (requestId.Length == 0)
        {
            return null;
        }

        var digest = new RequestDigest(context.Method);
        var withoutId = header.Clone();
        clearRequestId(withoutId);
        digest.Add(withoutId);
        return digest;
    }

    /// <summary>Reads what is left of the stream (a repeat's rows, into its digest).</summary>
    public static async Task ReadToEndAsync<T>(IAsyncEnumerable<T> items)
    {
        await foreach (var _ in items)
        {
        }
    }

    public static async Task<THeader> ReadHeaderAsync<TRequest, THeader>(
        IAsyncStreamReader<TRequest> stream, Func<TRequest, THeader?> header, CancellationToken cancellationToken)
        where THeader : class
    {
        if (!await stream.MoveNext(cancellationToken))
        {
            throw new InvalidFieldException("header", "the stream is empty; send the header first");
        }

        return header(stream.Current) ?? throw new InvalidFieldException("header", "the first message must be the header");
    }

    /// <summary>The items after the header, each added to <paramref name="digest"/> when the request has an id.</summary>
    public static async IAsyncEnumerable<TItem> ReadItemsAsync<TRequest, TItem>(
        IAsyncStreamReader<TRequest> stream, Func<TRequest, TItem?> item, string itemName, RequestDigest? digest,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        where TRequest : Google.Protobuf.IMessage
        where TItem : class
    {
        long index = 1;
        while (await stream.MoveNext(cancellationToken))
        {
            index++;
            digest?.Add(stream.Current);
            yield return item(stream.Current)
                ?? throw new InvalidFieldException(itemName, $"message {index} is not a {itemName}; only the first message is the header");
        }
    }
}
