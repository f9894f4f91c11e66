using Metrics.Storage.Repositories;

namespace Metrics.Server.Requests;

/// <summary>
/// A request its caller gave an id (AIP-155), as a command receives it: who, the id, the digest
/// of what it asks, and how its result is written down as the answer the caller receives (the
/// protocol edge encodes it; the command never sees how). The command hands it to the store,
/// which records the answer in the same transaction as the change.
/// </summary>
internal sealed record Repeatable<TResult>(string Caller, string RequestId, Func<byte[]> Digest, Func<TResult, byte[]> Encode)
{
    /// <summary>The request as the store records it, given how the command's result follows from the stored change.</summary>
    public RepeatableRequest Answering(Func<StoredChange, TResult> result) => new(Caller, RequestId, Digest, stored => Encode(result(stored)));
}
