using Metrics.Contracts.V1;

namespace Metrics.Console.Commands;

/// <summary>The catalogue lists whole: every page, followed by its next_page_token.</summary>
internal static class CataloguePages
{
    public static async Task<ListMeasuresResponse> AllMeasuresAsync(
        MeasuresService.MeasuresServiceClient client, ListMeasuresRequest request, DateTime? deadline, CancellationToken cancellationToken)
    {
        var all = new ListMeasuresResponse();
        do
        {
            var page = await client.ListMeasuresAsync(request, deadline: deadline, cancellationToken: cancellationToken);
            all.Measures.Add(page.Measures);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        return all;
    }

    public static async Task<ListAreasResponse> AllAreasAsync(
        MeasuresService.MeasuresServiceClient client, ListAreasRequest request, DateTime? deadline, CancellationToken cancellationToken)
    {
        var all = new ListAreasResponse();
        do
        {
            var page = await client.ListAreasAsync(request, deadline: deadline, cancellationToken: cancellationToken);
            all.Areas.Add(page.Areas);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        return all;
    }
}
