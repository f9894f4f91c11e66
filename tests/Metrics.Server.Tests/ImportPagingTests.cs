using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Storage.Repositories;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Server.Tests;

/// <summary>
/// ListImports pages: the list grows by a batch an hour from the live captures alone, and a
/// fixed cap lost the batch behind a figure after a few weeks.
/// </summary>
public sealed class ImportPagingTests : IDisposable
{
    private readonly MetricsServerFactory _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task EveryBatchOfTwoThousandIsListedOnceAcrossPagesWhileMoreAreStored()
    {
        var repository = _server.Services.GetRequiredService<ImportRepository>();
        var measures = _server.Measures();
        var seeded = (await measures.ListImportsAsync(new ListImportsRequest { PageSize = 1000 })).Imports.Select(b => b.ImportId).ToList();
        for (var i = 0; i < 2000; i++)
        {
            await StoreBatch(repository, $"batch {i}");
        }

        var expected = (await measures.ListImportsAsync(new ListImportsRequest { PageSize = 1 })).Imports.Single().ImportId;
        var listed = new List<long>();
        var pages = 0;
        var token = "";
        do
        {
            var page = await measures.ListImportsAsync(new ListImportsRequest { PageSize = 300, PageToken = token });
            listed.AddRange(page.Imports.Select(b => b.ImportId));
            token = page.NextPageToken;
            pages++;
            if (pages == 2)
            {
                await StoreBatch(repository, "stored while paging"); // newer than every page after the first
            }
        }
        while (token.Length > 0);

        Assert.Equal(2000 + seeded.Count, listed.Count);
        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.Equal(listed.OrderDescending(), listed);
        Assert.Equal(expected, listed[0]);
        Assert.Equal(seeded, listed.TakeLast(seeded.Count));
        Assert.Equal((2000 + seeded.Count + 299) / 300, pages);
    }

    [Fact]
    public async Task APageSizeAboveTheMostIsTakenAsTheMostAndABadTokenOrSizeIsRefusedNamingIt()
    {
        var measures = _server.Measures();
        var huge = await measures.ListImportsAsync(new ListImportsRequest { PageSize = int.MaxValue });
        var negative = await Assert.ThrowsAsync<RpcException>(() => measures.ListImportsAsync(new ListImportsRequest { PageSize = -1 }).ResponseAsync);
        var forged = await Assert.ThrowsAsync<RpcException>(() => measures.ListImportsAsync(new ListImportsRequest { PageToken = "not-a-token" }).ResponseAsync);

        Assert.NotEmpty(huge.Imports);
        Assert.Equal((StatusCode.InvalidArgument, "page_size: is -1; give 0 (for 50) or more"), (negative.StatusCode, negative.Status.Detail));
        Assert.Equal(["page_token"], ErrorRead.Fields(forged));
    }

    private static Task StoreBatch(ImportRepository repository, string source) =>
        repository.StoreAsync(
            new BatchDescription("test", source, "west-mercia", "", MetricsServerFactory.Start),
            ReplaceScope.Of([]),
            [],
            versioned: true,
            dryRun: false,
            TimeProvider.System,
            CancellationToken.None);
}
