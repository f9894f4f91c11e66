using Grpc.Core;
using Metrics.Contracts.V1;

namespace Metrics.Console.Imports;

/// <summary>Streams rows to the server's import RPCs: the header, then every row, then the summary.</summary>
public static class ImportSender
{
    public static async Task<ImportSummary> SendObservationsAsync(
        MeasuresService.MeasuresServiceClient client, ObservationImportHeader header, IEnumerable<ObservationRow> rows,
        IProgress<long>? progress, DateTime? deadline, CancellationToken cancellationToken)
    {
        using var call = client.ImportObservations(deadline: deadline, cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new ImportObservationsRequest { Header = header }, cancellationToken);
        await WriteAllAsync(call.RequestStream, rows.Select(r => new ImportObservationsRequest { Row = r }), call.ResponseAsync, progress, cancellationToken);
        return (await call.ResponseAsync).Summary;
    }

    public static async Task<StreetCrimeImportSummary> SendStreetCrimesAsync(
        MeasuresService.MeasuresServiceClient client, StreetCrimeImportHeader header, IEnumerable<StreetCrimeRecord> records,
        IProgress<long>? progress, DateTime? deadline, CancellationToken cancellationToken)
    {
        using var call = client.ImportStreetCrimes(deadline: deadline, cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new ImportStreetCrimesRequest { Header = header }, cancellationToken);
        await WriteAllAsync(call.RequestStream, records.Select(r => new ImportStreetCrimesRequest { Record = r }), call.ResponseAsync, progress, cancellationToken);
        return (await call.ResponseAsync).Summary;
    }

    /// <summary>
    /// Writes every message, then ends the stream. When the server answers before reading them
    /// all (it refused the header), a write fails with no reason of its own: the server's answer,
    /// which says why, is what the caller gets.
    /// </summary>
    private static async Task WriteAllAsync<T, TResponse>(
        IClientStreamWriter<T> stream, IEnumerable<T> messages, Task<TResponse> response, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        long sent = 0;
        try
        {
            foreach (var message in messages)
            {
                await stream.WriteAsync(message, cancellationToken);
                if (++sent % 1000 == 0)
                {
                    progress?.Report(sent);
                }
            }

            progress?.Report(sent);
            await stream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                await response.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None); // throws the server's status
            }
            catch (TimeoutException)
            {
                // No answer came: the write's own failure is all there is to say.
            }

            throw;
        }
    }
}
