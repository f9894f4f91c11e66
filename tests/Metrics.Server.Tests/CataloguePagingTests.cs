using Grpc.Core;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>
/// The catalogue lists page as ListImports does: a national hub's forces and areas outgrow one
/// message, and a client that reads page by page gets every item once, in the list's order.
/// </summary>
public sealed class CataloguePagingTests : IDisposable
{
    private readonly MetricsServerFactory _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task MeasuresReadTenAtATimeAreTheWholeListOnceWithOneDefinedWhilePagingAtItsEnd()
    {
        var measures = _server.Measures();
        var whole = (await measures.ListMeasuresAsync(new ListMeasuresRequest())).Measures.Select(m => m.Id).ToList();
        var paged = new List<string>();
        var pages = 0;
        var token = "";
        do
        {
            var page = await measures.ListMeasuresAsync(new ListMeasuresRequest { PageSize = 10, PageToken = token });
            Assert.True(page.Measures.Count <= 10);
            paged.AddRange(page.Measures.Select(m => m.Id));
            token = page.NextPageToken;
            if (++pages == 2)
            {
                await measures.DefineMeasuresAsync(new DefineMeasuresRequest
                {
                    Measures =
                    {
                        new Measure
                        {
                            Id = "defined_while_paging", Name = "Defined while paging", Unit = Unit.Count, Polarity = Polarity.Neither,
                            ReportingRule = ReportingRule.Monthly, RateBase = RateBase.None,
                        },
                    },
                });
            }
        }
        while (token.Length > 0);

        Assert.True(whole.Count > 40);
        Assert.Equal([.. whole, "defined_while_paging"], paged);
        Assert.Equal((whole.Count + 1 + 9) / 10, pages);
    }

    [Fact]
    public async Task AreasOfOneForcePageWithinItAndATokenOfAnotherListIsRefusedNamingIt()
    {
        var measures = _server.Measures();
        var paged = new List<string>();
        var pages = 0;
        var token = "";
        do
        {
            var page = await measures.ListAreasAsync(new ListAreasRequest { ForceCode = "west-mercia", PageSize = 4, PageToken = token });
            paged.AddRange(page.Areas.Select(a => a.Code));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);
        var whole = await measures.ListAreasAsync(new ListAreasRequest { ForceCode = "west-mercia" });
        var measuresToken = (await measures.ListMeasuresAsync(new ListMeasuresRequest { PageSize = 1 })).NextPageToken;
        var wrongList = await Assert.ThrowsAsync<RpcException>(async () => await measures.ListAreasAsync(new ListAreasRequest { PageToken = measuresToken }));
        var negative = await Assert.ThrowsAsync<RpcException>(async () => await measures.ListAreasAsync(new ListAreasRequest { PageSize = -2 }));

        Assert.Equal(whole.Areas.Select(a => a.Code), paged);
        Assert.Equal("west-mercia", paged[0]);
        Assert.Equal((whole.Areas.Count + 3) / 4, pages);
        Assert.Equal("", whole.NextPageToken);
        Assert.Equal(["page_token"], ErrorRead.Fields(wrongList));
        Assert.Equal("page_token: is not a page token of areas: send the next_page_token of the page before, as it came", wrongList.Status.Detail);
        Assert.Equal("page_size: is -2; give 0 (for 1000) or more", negative.Status.Detail);
    }
}
