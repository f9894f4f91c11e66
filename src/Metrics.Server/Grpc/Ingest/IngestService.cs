using Grpc.Core;
using Metrics.Server.Limits;
using Metrics.Server.Live;
using Metrics.Server.Requests;
using Metrics.Server.Security;
using Microsoft.AspNetCore.Authorization;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc.Ingest;

/// <summary>
/// metrics.v1.IngestService: each batch read into events (<see cref="IngestMapping"/>), stored and
/// acknowledged after it is stored, in the order sent.
/// </summary>
[Authorize(Policy = ForceRoles.Policies.Publish)]
internal sealed class IngestService(EventIngest ingest, CallerLimits limits) : V1.IngestService.IngestServiceBase
{
    private const int MaxBatchIdLength = 100;

    public override async Task<V1.PublishBatchResponse> PublishBatch(V1.PublishBatchRequest request, ServerCallContext context)
    {
        limits.TakeEvents(Caller.Of(context), request.Events.Count);
        var receipt = await ingest.IngestAsync([.. request.Events.Select(e => e.ToDomain())], context.CancellationToken);
        return new() { Acknowledgement = receipt.ToContract() };
    }

    public override async Task Publish(IAsyncStreamReader<V1.PublishRequest> requestStream, IServerStreamWriter<V1.PublishResponse> responseStream, ServerCallContext context)
    {
        // One batch at a time: read, store, acknowledge; the only writer of this response stream.
        // A batch over a limit is refused alone: the stream, and the batches after it, go on.
        var caller = Caller.Of(context);
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            var batchId = Validate.Text(request.BatchId, "batch_id", MaxBatchIdLength);
            try
            {
                limits.TakeEvents(caller, request.Events.Count);
            }
            catch (LimitExceededException limit)
            {
                await responseStream.WriteAsync(new V1.PublishResponse { BatchId = batchId, Refused = limit.ToRefusal() }, context.CancellationToken);
                continue;
            }

            var receipt = await ingest.IngestAsync([.. request.Events.Select(e => e.ToDomain())], context.CancellationToken);
            await responseStream.WriteAsync(new V1.PublishResponse { BatchId = batchId, Acknowledgement = receipt.ToContract() }, context.CancellationToken);
        }
    }
}
