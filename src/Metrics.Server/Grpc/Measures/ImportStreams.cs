using Grpc.Core;
using Metrics.Domain.Requests;

namespace Metrics.Server.Grpc.Measures;

/// <summary>An import stream is a header message, then items; anything else is INVALID_ARGUMENT.</summary>
internal static class ImportStreams
{
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

    public static async IAsyncEnumerable<TItem> ReadItemsAsync<TRequest, TItem>(
        IAsyncStreamReader<TRequest> stream, Func<TRequest, TItem?> item, string itemName,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        where TItem : class
    {
        long index = 1;
        while (await stream.MoveNext(cancellationToken))
        {
            index++;
            yield return item(stream.Current)
                ?? throw new InvalidFieldException(itemName, $"message {index} is not a {itemName}; only the first message is the header");
        }
    }
}
