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
        await WriteAllAsync(call.RequestStream, rows.Select(r => new ImportObservationsRequest { Row = r }), progress, cancellationToken);
        return (await call.ResponseAsync).Summary;
    }

    public static async Task<StreetCrimeImportSummary> SendStreetCrimesAsync(
        MeasuresService.MeasuresServiceClient client, StreetCrimeImportHeader header, IEnumerable<StreetCrimeRecord> records,
        IProgress<long>? progress, DateTime? deadline, CancellationToken cancellationToken)
    {
        using var call = client.ImportStreetCrimes(deadline: deadline, cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new ImportStreetCrimesRequest { Header = header }, cancellationToken);
        await WriteAllAsync(call.RequestStream, records.Select(r => new ImportStreetCrimesRequest { Record = r }), progress, cancellationToken);
        return (await call.ResponseAsync).Summary;
    }

    private static async Task WriteAllAsync<T>(IClientStreamWriter<T> stream, IEnumerable<T> messages, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        long sent = 0;
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
}
