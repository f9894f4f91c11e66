using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Observations;
using Metrics.Domain.StreetCrime;

namespace Metrics.Domain.Tests;

public sealed class StreetCrimeTallyTests
{
    private static readonly ForceAreas WestMercia = new(
        new AreaDefinition("west-mercia", "West Mercia", AreaKind.Force, null, null, null, "", [], []),
        [new AreaDefinition("telford-and-wrekin", "Telford & Wrekin", AreaKind.LocalPolicingArea, "west-mercia", null, null, "", [], ["Telford and Wrekin"])]);

    private static readonly YearMonth January = new(2022, 1);

    private static StreetCrimeRecord Record(string crimeId, string lsoaCode, string lsoaName, string crimeType) =>
        new(2, crimeId, January, "West Mercia Police", lsoaCode, lsoaName, crimeType, "");

    [Fact]
    public void RecordsOutsideEveryAreaCountForTheForceOnlyAndAreReported()
    {
        var tally = new StreetCrimeTally(WestMercia);

        Assert.Null(tally.Add(Record("a", "E01", "Telford and Wrekin 012A", "Burglary")));
        Assert.Null(tally.Add(Record("b", "E02", "Birmingham 102D", "Burglary")));
        Assert.Null(tally.Add(Record("c", "", "", "Shoplifting")));
        Assert.Null(tally.Add(Record("", "E01", "Telford and Wrekin 012A", StreetCrimeRecord.AntiSocialBehaviour)));

        var figures = tally.Observations().ToDictionary(o => (o.MeasureId, o.AreaCode, o.Breakdown), o => o.Value);
        Assert.Equal(3, figures[(StreetCrimeTally.RecordedCrimeMeasureId, "west-mercia", Breakdowns.Total)]);
        Assert.Equal(2, figures[(StreetCrimeTally.RecordedCrimeMeasureId, "west-mercia", "Burglary")]);
        Assert.Equal(1, figures[(StreetCrimeTally.RecordedCrimeMeasureId, "telford-and-wrekin", Breakdowns.Total)]);
        Assert.Equal(0, figures[(StreetCrimeTally.RecordedCrimeMeasureId, "telford-and-wrekin", "Shoplifting")]);
        Assert.Equal(1, figures[(StreetCrimeTally.AntiSocialBehaviourMeasureId, "telford-and-wrekin", Breakdowns.Total)]);
        Assert.Equal((3, 1, 1, 1), (tally.Crimes, tally.AntiSocialBehaviourIncidents, tally.UnplacedNoLocation, tally.UnplacedOutsideAreas));
    }

    [Fact]
    public void ACrimeWithoutAnIdAndAnotherForcesRecordAreRefusedWithAReason()
    {
        var tally = new StreetCrimeTally(WestMercia);

        Assert.Equal(new RecordProblem("crime_id", "Crime ID is empty for a crime of type 'Burglary'"), tally.Add(Record("", "E01", "Telford and Wrekin 012A", "Burglary")));
        var other = Record("x", "E01", "Telford and Wrekin 012A", "Burglary") with { FallsWithin = "Staffordshire Police" };
        Assert.Equal(new RecordProblem("falls_within", "Falls within 'Staffordshire Police', not West Mercia"), tally.Add(other));
        Assert.Equal(0, tally.Crimes);
        Assert.Empty(tally.Observations());
    }
}
