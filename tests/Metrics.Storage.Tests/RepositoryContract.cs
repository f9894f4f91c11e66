using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Observations;
using Metrics.Domain.Operations;
using Metrics.Storage.Engines;
using Metrics.Storage.Repositories;

namespace Metrics.Storage.Tests;

/// <summary>
/// One suite of storage behaviour, run on every engine: SQLite always, SQL Server when
/// METRICS_TEST_SQLSERVER holds a connection string (skipped, saying so, where it does not).
/// </summary>
public abstract class RepositoryContract : IDisposable
{
    private static readonly AreaDefinition Force = new("force", "Force", AreaKind.Force, null, 1000, 400, "test", ["Peer A", "Peer B"], []);
    private static readonly AreaDefinition Lpa = new("lpa", "LPA", AreaKind.LocalPolicingArea, "force", 500, 200, "test", [], ["District"]);
    private static readonly MeasureDefinition Crime = new(
        "crime", "Crime", "Section", "Topic", MeasureUnit.Count, Polarity.Neither, ReportingRule.Monthly, "crime_type", RateBase.Population, null, "All crime");

    private static readonly DateTimeOffset TenOClock = DateTimeOffset.Parse("2019-03-12T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly Period March = Period.Month(new YearMonth(2019, 3));

    private Database? _database;

    protected abstract Database? CreateDatabase();

    /// <summary>Each test's database goes with it (a SQL Server left with one database per test run fills up).</summary>
    public void Dispose()
    {
        if (_database is not null)
        {
            TestDatabases.Drop(_database);
        }
    }

    private Database Open()
    {
        _database = CreateDatabase();
        Skip.If(_database is null, TestDatabases.SkipReason);
        return _database!;
    }

    [SkippableFact]
    public async Task AreasAndMeasuresRoundTripWithPeersAndDistricts()
    {
        var database = Open();
        var catalogue = new CatalogueRepository(database);

        Assert.Equal((2, 0), await catalogue.UpsertAreasAsync([Force, Lpa], default));
        Assert.Equal((0, 2), await catalogue.UpsertAreasAsync([Force, Lpa with { Population = 600 }], default));
        Assert.Equal((1, 0), await catalogue.UpsertMeasuresAsync([Crime], default));

        var areas = await catalogue.GetAreasAsync(default);
        Assert.Equal(["force", "lpa"], areas.Select(a => a.Code));
        Assert.Equal(["Peer A", "Peer B"], areas[0].Peers);
        Assert.Equal(["District"], areas[1].Districts);
        Assert.Equal(600, areas[1].Population);
        Assert.Equal(Crime, Assert.Single(await catalogue.GetMeasuresAsync(default)));
    }

    [SkippableFact]
    public async Task ImportingTheSameMonthAgainReplacesItAndNeverDoublesIt()
    {
        var database = Open();
        var (observations, imports) = await Seeded(database);
        var march = March;
        var scope = ReplaceScope.Product(["crime"], ["lpa"], [march]);

        await imports.StoreAsync(new BatchDescription("test", "first", "force", "", DateTimeOffset.UnixEpoch, 2, 0), scope,
            [Figure(march, "", 10), Figure(march, "Burglary", 4)], versioned: true, dryRun: false, TimeProvider.System, default);
        var second = await imports.StoreAsync(new BatchDescription("test", "second", "force", "", DateTimeOffset.UnixEpoch, 1, 0), scope,
            [Figure(march, "", 12)], versioned: true, dryRun: false, TimeProvider.System, default);

        var stored = await observations.GetSeriesAsync("crime", "lpa", "", march.First, march.First, default);
        Assert.Equal(12, Assert.Single(stored).Value);
        Assert.Empty(await observations.GetBreakdownsAsync("crime", "lpa", default));
        Assert.Equal(1, second.Batch!.ObservationsWritten);
        Assert.Equal(["second", "first"], (await imports.ListAsync(10, default)).Select(b => b.Source));
    }

    [SkippableFact]
    public async Task ASeriesReadFollowsEachImport()
    {
        var database = Open();
        var (observations, imports) = await Seeded(database);
        var march = March;
        var scope = ReplaceScope.Product(["crime"], ["lpa"], [march]);
        await imports.StoreAsync(new BatchDescription("test", "first", "force", "", DateTimeOffset.UnixEpoch, 1, 0), scope, [Figure(march, "", 10)], versioned: true, dryRun: false, TimeProvider.System, default);
        Assert.Equal(10, Assert.Single(await observations.GetSeriesAsync("crime", "lpa", "", march.First, march.First, default)).Value);

        await imports.StoreAsync(new BatchDescription("test", "again", "force", "", DateTimeOffset.UnixEpoch, 1, 0), scope, [Figure(march, "", 12)], versioned: true, dryRun: false, TimeProvider.System, default);

        Assert.Equal(12, Assert.Single(await observations.GetSeriesAsync("crime", "lpa", "", march.First, march.First, default)).Value);
    }

    [SkippableFact]
    public async Task TheBreakdownListFollowsEachImport()
    {
        var database = Open();
        var (observations, imports) = await Seeded(database);
        var march = March;
        var april = Period.Month(new YearMonth(2019, 4));
        await imports.StoreAsync(new BatchDescription("test", "march", "force", "", DateTimeOffset.UnixEpoch, 1, 0), ReplaceScope.Of([Figure(march, "Burglary", 4)]),
            [Figure(march, "Burglary", 4)], versioned: true, dryRun: false, TimeProvider.System, default);
        Assert.Equal(["Burglary"], await observations.GetBreakdownsAsync("crime", "lpa", default));

        await imports.StoreAsync(new BatchDescription("test", "april", "force", "", DateTimeOffset.UnixEpoch, 1, 0), ReplaceScope.Of([Figure(april, "Robbery", 2)]),
            [Figure(april, "Robbery", 2)], versioned: true, dryRun: false, TimeProvider.System, default);

        Assert.Equal(["Burglary", "Robbery"], await observations.GetBreakdownsAsync("crime", "lpa", default));
    }

    [SkippableFact]
    public async Task AFailedImportLeavesWhatWasStored()
    {
        var database = Open();
        var (observations, imports) = await Seeded(database);
        var march = March;
        var scope = ReplaceScope.Product(["crime"], ["lpa"], [march]);
        await imports.StoreAsync(new BatchDescription("test", "good", "force", "", DateTimeOffset.UnixEpoch, 1, 0), scope, [Figure(march, "", 10)], versioned: true, dryRun: false, TimeProvider.System, default);

        // The second figure names an area that does not exist: the whole import must roll back.
        var bad = new[] { Figure(march, "", 99), Figure(march, "", 1) with { AreaCode = "nowhere" } };
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
            imports.StoreAsync(new BatchDescription("test", "bad", "force", "", DateTimeOffset.UnixEpoch, 2, 0), scope, bad, versioned: true, dryRun: false, TimeProvider.System, default));

        Assert.Equal(10, Assert.Single(await observations.GetSeriesAsync("crime", "lpa", "", march.First, march.First, default)).Value);
        Assert.Equal(["good"], (await imports.ListAsync(10, default)).Select(b => b.Source));
    }

    [SkippableFact]
    public async Task MonthlyTotalsReadOnlyTheWindowAskedFor()
    {
        var database = Open();
        var (observations, imports) = await Seeded(database);
        var months = new[] { new YearMonth(2019, 1), new YearMonth(2019, 2), new YearMonth(2019, 3) };
        var periods = months.Select(Period.Month).ToList();
        await imports.StoreAsync(new BatchDescription("test", "q1", "force", "", DateTimeOffset.UnixEpoch, 3, 0), ReplaceScope.Product(["crime"], ["lpa"], periods),
            periods.Select((p, i) => Figure(p, "", i + 1)).ToList(), versioned: true, dryRun: false, TimeProvider.System, default);

        var totals = await observations.GetMonthlyTotalsAsync(["crime"], ["lpa", "force"], new Period(months[1], 2), default);

        Assert.Equal([2.0, 3.0], totals.OrderBy(o => o.Period.First).Select(o => o.Value!.Value));
    }

    [SkippableFact]
    public async Task AnImportReplacesOnlyTheCellsItHolds()
    {
        var database = Open();
        var (observations, imports) = await Seeded(database);
        var february = Period.Month(new YearMonth(2019, 2));
        var march = March;
        await imports.StoreAsync(new BatchDescription("test", "march", "force", "", DateTimeOffset.UnixEpoch, 1, 0), ReplaceScope.Of([Figure(march, "", 7767)]),
            [Figure(march, "", 7767)], versioned: true, dryRun: false, TimeProvider.System, default);

        // February for the LPA and March for the force: March for the LPA is not touched.
        var other = new[] { Figure(february, "", 6377), Figure(march, "", 1) with { AreaCode = "force" } };
        await imports.StoreAsync(new BatchDescription("test", "february", "force", "", DateTimeOffset.UnixEpoch, 2, 0), ReplaceScope.Of(other), other, versioned: true, dryRun: false, TimeProvider.System, default);

        var stored = await observations.GetSeriesAsync("crime", "lpa", "", february.First, march.First, default);
        Assert.Equal([6377.0, 7767.0], stored.Select(o => o.Value!.Value));
    }

    [SkippableFact]
    public async Task PeriodsOfOneLengthComeWithEveryBreakdown()
    {
        var database = Open();
        var (observations, imports) = await Seeded(database);
        var windows = new[] { new Period(new YearMonth(2018, 12), 3), new Period(new YearMonth(2019, 1), 3) };
        var month = Period.Month(new YearMonth(2019, 1));
        var figures = windows.SelectMany(w => new[] { Figure(w, "", 100), Figure(w, "Action Taken", 7) }).Append(Figure(month, "", 40)).ToList();
        await imports.StoreAsync(new BatchDescription("test", "windows", "force", "", DateTimeOffset.UnixEpoch, figures.Count, 0), ReplaceScope.Of(figures), figures, versioned: true, dryRun: false, TimeProvider.System, default);

        var stored = await observations.GetPeriodsAsync("crime", "lpa", 3, windows[1].First, windows[1].First, default);

        Assert.Equal(["", "Action Taken"], stored.Select(o => o.Breakdown));
        Assert.All(stored, o => Assert.Equal(windows[1], o.Period));
    }

    [SkippableFact]
    public async Task EventsAreStoredOnceEachAndReadBackInArrivalOrder()
    {
        var database = Open();
        var events = new EventRepository(database);
        var at = TenOClock;
        OperationalEvent[] all =
        [
            new CallOffered("test-system", "e1", at, "call-1", CallLine.Emergency999),
            new CallAnswered("test-system", "e2", at.AddSeconds(7), "call-1", CallLine.Emergency999, TimeSpan.FromMilliseconds(7250)),
            new CallAbandoned("test-system", "e3", at.AddSeconds(9), "call-2", CallLine.NonEmergency101, TimeSpan.FromSeconds(40)),
            new IncidentOpened("test-system", "e4", at, "inc-1", "lpa", IncidentGrade.Priority),
            new IncidentResourced("test-system", "e5", at.AddMinutes(1), "inc-1"),
            new IncidentAttended("test-system", "e6", at.AddMinutes(9), "inc-1"),
            new IncidentClosed("test-system", "e7", at.AddHours(1), "inc-1"),
            new IntelligenceSubmitted("test-system", "e8", at, "int-1", "lpa"),
            new IntelligenceProcessed("test-system", "e9", at.AddDays(2), "int-1"),
        ];

        var first = await events.StoreAsync([.. all.Take(5).Select(e => (e, false)), (all[0], false)], at, default);
        var second = await events.StoreAsync([.. all.Skip(3).Select(e => (e, e.EventId == "e9"))], at, default);
        var stored = new List<StoredEvent>();
        await foreach (var e in events.ReadAfterAsync(0, default, pageSize: 4))
        {
            stored.Add(e);
        }

        Assert.Equal((5, 1), (first.Stored.Count, first.Duplicates));
        Assert.Equal((4, 2), (second.Stored.Count, second.Duplicates));
        Assert.Equal(all, stored.Select(e => e.Event));
        Assert.Equal(stored.Select(e => e.Sequence).Order(), stored.Select(e => e.Sequence));
        Assert.Equal(["e9"], stored.Where(e => e.Late).Select(e => e.Event.EventId));
        Assert.Equal(stored.Skip(5).Select(e => e.Sequence), second.Stored.Select(e => e.Sequence));
    }

    [SkippableFact]
    public async Task ALongBatchStoresEachEventOnceInTheOrderGivenWhateverItsIdHoldsInText()
    {
        var database = Open();
        var events = new EventRepository(database);
        var at = TenOClock;
        OperationalEvent Opened(int i) => new IncidentOpened("test-system", $"e{i}", at.AddSeconds(i), $"inc-{i}", i % 2 == 0 ? "lpa" : "Ystrad Mynach \"north\" ☎", IncidentGrade.Emergency);
        await events.StoreAsync([.. Enumerable.Range(140, 20).Select(i => (Opened(i), false))], at, default);

        // 250 events: 20 of them stored before, and e5 twice (the second a repeat).
        var batch = Enumerable.Range(0, 250).Select(i => (Opened(i), i == 7)).Append((Opened(5), false)).ToList();
        var result = await events.StoreAsync(batch, at, default);
        var stored = new List<StoredEvent>();
        await foreach (var e in events.ReadAfterAsync(0, default))
        {
            stored.Add(e);
        }

        Assert.Equal((230, 21), (result.Stored.Count, result.Duplicates));
        Assert.Equal(Enumerable.Range(0, 250).Where(i => i is < 140 or >= 160).Select(i => $"e{i}"), result.Stored.Select(e => e.Event.EventId));
        Assert.Equal(result.Stored.Select(e => e.Sequence).Order(), result.Stored.Select(e => e.Sequence));
        Assert.Equal(stored.Skip(20).Select(e => (e.Sequence, e.Event)), result.Stored.Select(e => (e.Sequence, e.Event)));
        Assert.Equal("Ystrad Mynach \"north\" ☎", ((IncidentOpened)stored.Single(e => e.Event.EventId == "e1").Event).AreaCode);
        Assert.Equal(["e7"], stored.Where(e => e.Late).Select(e => e.Event.EventId));
    }

    [SkippableFact]
    public async Task AnEventIsItsSourceAndIdAndAnIdReusedForOtherContentIsRefusedLeavingTheStoredOne()
    {
        var database = Open();
        var events = new EventRepository(database);
        var at = TenOClock;
        OperationalEvent Opened(string source, string area, int minutes = 0) => new IncidentOpened(source, "12345", at.AddMinutes(minutes), "inc-1", area, IncidentGrade.Emergency);
        var first = await events.StoreAsync([(Opened("call-handling", "lpa"), false)], at, default);

        // The same id from another system is another event; from the same system with the same
        // content a duplicate (late or not); with other content (area, time) refused, the first
        // of its identity in a batch deciding when both are new.
        var second = await events.StoreAsync(
        [
            (Opened("command-and-control", "force"), false),
            (Opened("call-handling", "lpa"), true),
            (Opened("call-handling", "force"), false),
            (Opened("call-handling", "lpa", minutes: 1), false),
            (new IncidentOpened("intelligence", "x", at, "inc-9", "lpa", IncidentGrade.Priority), false),
            (new IncidentOpened("intelligence", "x", at, "inc-9", "lpa", IncidentGrade.Emergency), false),
        ],
            at,
            default);
        var stored = new List<StoredEvent>();
        await foreach (var e in events.ReadAfterAsync(0, default))
        {
            stored.Add(e);
        }

        Assert.Equal((1, 0, 0), (first.Stored.Count, first.Duplicates, first.IdsReused.Count));
        Assert.Equal((2, 1), (second.Stored.Count, second.Duplicates));
        Assert.Equal([2, 3, 5], second.IdsReused);
        Assert.Equal(
            [("call-handling", "12345", "lpa", IncidentGrade.Emergency), ("command-and-control", "12345", "force", IncidentGrade.Emergency), ("intelligence", "x", "lpa", IncidentGrade.Priority)],
            stored.Select(e => (IncidentOpened)e.Event).Select(e => (e.Source, e.EventId, e.AreaCode, e.Grade)));
        Assert.Equal(at, stored[0].Event.OccurredAt);
    }

    [SkippableFact]
    public async Task CapturesAreKeptOncePerInstantAndReadInTimeOrder()
    {
        var database = Open();
        await Seeded(database);
        var captures = new CaptureRepository(database);
        var ten = DateTimeOffset.Parse("2019-03-12T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        await captures.StoreAsync([new Capture("crime", "lpa", "Emergency", ten.AddHours(1), 7), new Capture("crime", "lpa", "Emergency", ten, 5)], default);
        await captures.StoreAsync([new Capture("crime", "lpa", "Emergency", ten, 6)], default);
        var stored = await captures.GetAsync("crime", "lpa", "Emergency", ten, ten.AddHours(2), default);
        var none = await captures.GetAsync("crime", "lpa", "Priority", ten, ten.AddHours(2), default);

        Assert.Equal([(ten, 6.0), (ten.AddHours(1), 7.0)], stored.Select(c => (c.CapturedAt, c.Value)));
        Assert.Empty(none);
    }

    [SkippableFact]
    public async Task CatalogueWritesKeepTheOrderGivenAndReplacePeersAndDistrictsWhole()
    {
        var database = Open();
        var catalogue = new CatalogueRepository(database);
        await catalogue.UpsertAreasAsync([Force, Lpa with { Code = "lpa-b" }, Lpa with { Code = "lpa-a", Districts = ["Wyre Forest", "Bromsgrove"] }], default);
        await catalogue.UpsertMeasuresAsync([Crime with { Id = "robbery" }, Crime, Crime with { Id = "arson" }], default);

        var areas = await catalogue.UpsertAreasAsync([Force with { Peers = ["Peer C"] }, Lpa with { Code = "lpa-a", Districts = ["Redditch"] }, Lpa], default);
        var measures = await catalogue.UpsertMeasuresAsync([Crime with { Name = "All crime" }, Crime with { Id = "burglary" }], default);
        var twice = await Assert.ThrowsAsync<StoreRefusedException>(() => catalogue.UpsertMeasuresAsync([Crime, Crime with { Name = "again" }], default));

        Assert.Equal((1, 2), areas);
        Assert.Equal((1, 1), measures);
        Assert.Equal("measure.id 'crime' is given more than once", twice.Message);
        var stored = await catalogue.GetAreasAsync(default);
        Assert.Equal(["force", "lpa-b", "lpa-a", "lpa"], stored.Select(a => a.Code));
        Assert.Equal(["Peer C"], stored[0].Peers);
        Assert.Equal(["Redditch"], stored[2].Districts);
        Assert.Equal(["robbery", "crime", "arson", "burglary"], (await catalogue.GetMeasuresAsync(default)).Select(m => m.Id));
        Assert.Equal("All crime", (await catalogue.GetMeasuresAsync(default)).Single(m => m.Id == "crime").Name);
    }

    [SkippableFact]
    public async Task IdsThatDifferOnlyInCaseAreDifferentIdsOnEveryEngine()
    {
        var database = Open();
        var (observations, imports) = await Seeded(database);
        var events = new EventRepository(database);
        var catalogue = new CatalogueRepository(database);
        var at = TenOClock;
        var march = March;

        var oneBatch = await events.StoreAsync([(new CallOffered("test-system", "ABC", at, "c1", CallLine.Emergency999), false), (new CallOffered("test-system", "abc", at, "c2", CallLine.Emergency999), false)], at, default);
        await events.StoreAsync([(new CallOffered("test-system", "E1", at, "c3", CallLine.Emergency999), false)], at, default);
        var laterBatch = await events.StoreAsync([(new CallOffered("test-system", "e1", at, "c4", CallLine.Emergency999), false)], at, default);
        var definedAgain = await catalogue.UpsertMeasuresAsync([Crime with { Id = "Crime", Name = "Crime, capitalised" }], default);
        await imports.StoreAsync(new BatchDescription("test", "march", "force", "", DateTimeOffset.UnixEpoch, 2, 0), ReplaceScope.Product(["crime"], ["lpa"], [march]),
            [Figure(march, "Burglary", 4), Figure(march, "burglary", 9)], versioned: true, dryRun: false, TimeProvider.System, default);

        Assert.Equal((2, 0), (oneBatch.Stored.Count, oneBatch.Duplicates));
        Assert.Equal((1, 0), (laterBatch.Stored.Count, laterBatch.Duplicates));
        Assert.Equal((1, 0), definedAgain);
        Assert.Equal(["crime", "Crime"], (await catalogue.GetMeasuresAsync(default)).Select(m => m.Id));
        Assert.Equal("Crime", (await catalogue.GetMeasuresAsync(default)).Single(m => m.Id == "crime").Name);
        Assert.Equal([9.0], (await observations.GetSeriesAsync("crime", "lpa", "burglary", march.First, march.First, default)).Select(o => o.Value!.Value));
        Assert.Equal([4.0], (await observations.GetSeriesAsync("crime", "lpa", "Burglary", march.First, march.First, default)).Select(o => o.Value!.Value));
    }

    [SkippableFact]
    public async Task BreakdownsAreOrderedByCodePointOnEveryEngine()
    {
        var database = Open();
        var (observations, imports) = await Seeded(database);
        var march = March;
        string[] breakdowns = ["b", "Á", "a", "B", "A", "Z", "ä"];

        await imports.StoreAsync(new BatchDescription("test", "march", "force", "", DateTimeOffset.UnixEpoch, breakdowns.Length, 0), ReplaceScope.Product(["crime"], ["lpa"], [march]),
            [.. breakdowns.Select((b, i) => Figure(march, b, i))], versioned: true, dryRun: false, TimeProvider.System, default);

        Assert.Equal(breakdowns.Order(StringComparer.Ordinal), await observations.GetBreakdownsAsync("crime", "lpa", default));
        Assert.Equal(["A", "B", "Z", "a", "b", "Á", "ä"], await observations.GetBreakdownsAsync("crime", "lpa", default));
    }

    [SkippableFact]
    public async Task IdsAndLabelsWithBlankEndsAreRefusedAndNothingIsWritten()
    {
        var database = Open();
        var (observations, imports) = await Seeded(database);
        var events = new EventRepository(database);
        var catalogue = new CatalogueRepository(database);
        var at = TenOClock;
        var march = March;
        var scope = ReplaceScope.Product(["crime"], ["lpa"], [march]);
        await imports.StoreAsync(new BatchDescription("test", "good", "force", "", DateTimeOffset.UnixEpoch, 1, 0), scope, [Figure(march, "Burglary", 4)], versioned: true, dryRun: false, TimeProvider.System, default);

        var eventRefused = await Assert.ThrowsAsync<StoreRefusedException>(() =>
            events.StoreAsync([(new CallOffered("test-system", "E2", at, "c1", CallLine.Emergency999), false), (new CallOffered("test-system", "E1 ", at, "c2", CallLine.Emergency999), false)], at, default));
        var measureRefused = await Assert.ThrowsAsync<StoreRefusedException>(() => catalogue.UpsertMeasuresAsync([Crime with { Id = "robbery" }, Crime with { Id = " burglary" }], default));
        var areaRefused = await Assert.ThrowsAsync<StoreRefusedException>(() => catalogue.UpsertAreasAsync([Lpa with { Districts = ["Telford "] }], default));
        var breakdownRefused = await Assert.ThrowsAsync<StoreRefusedException>(() =>
            imports.StoreAsync(new BatchDescription("test", "bad", "force", "", DateTimeOffset.UnixEpoch, 1, 0), scope, [Figure(march, "Burglary ", 40)], versioned: true, dryRun: false, TimeProvider.System, default));

        Assert.Equal("event_id 'E1 ' begins or ends with white space; ids and labels are compared exactly, so it is refused rather than trimmed", eventRefused.Message);
        Assert.StartsWith("measure.id ' burglary' begins or ends with white space", measureRefused.Message, StringComparison.Ordinal);
        Assert.StartsWith("area.districts 'Telford ' begins or ends with white space", areaRefused.Message, StringComparison.Ordinal);
        Assert.StartsWith("observation.breakdown 'Burglary ' begins or ends with white space", breakdownRefused.Message, StringComparison.Ordinal);
        Assert.Empty(await ReadAllEventsAsync(events));
        Assert.Equal(["crime"], (await catalogue.GetMeasuresAsync(default)).Select(m => m.Id));
        Assert.Equal(["District"], (await catalogue.GetAreasAsync(default)).Single(a => a.Code == "lpa").Districts);
        Assert.Equal([("Burglary", 4.0)], (await observations.GetPeriodsAsync("crime", "lpa", 1, march.First, march.First, default)).Select(o => (o.Breakdown, o.Value!.Value)));
        Assert.Equal(["good"], (await imports.ListAsync(10, default)).Select(b => b.Source));
    }

    [SkippableFact]
    public async Task TextLongerThanItsColumnIsRefusedOnEveryEngineAndNothingIsWritten()
    {
        var database = Open();
        var (_, imports) = await Seeded(database);
        var catalogue = new CatalogueRepository(database);
        var march = March;

        var section = await Assert.ThrowsAsync<StoreRefusedException>(() => catalogue.UpsertMeasuresAsync([Crime with { Section = new string('s', 201) }], default));
        var description = await Assert.ThrowsAsync<StoreRefusedException>(() => catalogue.UpsertMeasuresAsync([Crime with { Description = new string('d', 1001) }], default));
        var vintage = await Assert.ThrowsAsync<StoreRefusedException>(() => catalogue.UpsertAreasAsync([Lpa with { PopulationVintage = new string('v', 201) }], default));
        var source = await Assert.ThrowsAsync<StoreRefusedException>(() =>
            imports.StoreAsync(
                new BatchDescription("test", new string('f', 1001), "force", "", DateTimeOffset.UnixEpoch, 1, 0), ReplaceScope.Product(["crime"], ["lpa"], [march]), [Figure(march, "", 1)],
                versioned: true, dryRun: false, TimeProvider.System, default));
        var id = await Assert.ThrowsAsync<StoreRefusedException>(() => catalogue.UpsertMeasuresAsync([Crime with { Id = new string('i', 101) }], default));

        Assert.Equal("measure.section is 201 characters; the most is 200", section.Message);
        Assert.Equal("measure.description is 1001 characters; the most is 1000", description.Message);
        Assert.Equal("area.population_vintage is 201 characters; the most is 200", vintage.Message);
        Assert.Equal("import_batch.source is 1001 characters; the most is 1000", source.Message);
        Assert.Equal("measure.id is 101 characters; the most is 100", id.Message);
        Assert.Equal(Crime, Assert.Single(await catalogue.GetMeasuresAsync(default)));
        Assert.Equal("test", (await catalogue.GetAreasAsync(default)).Single(a => a.Code == "lpa").PopulationVintage);
        Assert.Empty(await imports.ListAsync(10, default));

        // At the limit, every engine keeps the whole value.
        await catalogue.UpsertMeasuresAsync([Crime with { Section = new string('s', 200), Description = new string('d', 1000) }], default);
        var stored = Assert.Single(await new CatalogueRepository(database).GetMeasuresAsync(default));
        Assert.Equal((200, 1000), (stored.Section.Length, stored.Description.Length));
    }

    private static async Task<List<StoredEvent>> ReadAllEventsAsync(EventRepository events)
    {
        var stored = new List<StoredEvent>();
        await foreach (var e in events.ReadAfterAsync(0, default))
        {
            stored.Add(e);
        }

        return stored;
    }

    [SkippableFact]
    public async Task ABatchIsUndoneExactlyAndOnlyWhileNoLaterBatchHasChangedItsFigures()
    {
        var database = Open();
        var (observations, imports) = await Seeded(database);
        var march = March;
        var scope = ReplaceScope.Product(["crime"], ["lpa"], [march]);
        Task<StoredChange> Store(string source, IReadOnlyCollection<Observation> figures, bool dryRun = false) =>
            imports.StoreAsync(new BatchDescription("test", source, "force", "analyst", TenOClock, figures.Count), scope, figures, versioned: true, dryRun, TimeProvider.System, default);
        Task<StoredChange> Undo(long id, bool dryRun = false) =>
            imports.UndoAsync(id, new BatchDescription("undo", $"undo {id}", "force", "analyst", TenOClock), dryRun, TimeProvider.System, default);
        async Task<List<(string, double?)>> Stored()
        {
            await using var connection = await database.OpenAsync(default);
            return [.. await Dapper.SqlMapper.QueryAsync<(string, double?)>(connection, "SELECT breakdown, value FROM observation ORDER BY breakdown")];
        }

        var first = (await Store("first", [Figure(march, "", 10), Figure(march, "Burglary", 4)])).Batch!;
        var dryRun = await Store("second", [Figure(march, "", 12)], dryRun: true);
        Assert.Null(dryRun.Batch);
        Assert.Equal((0, 1, 1, 0), (dryRun.Changes.Added, dryRun.Changes.Changed, dryRun.Changes.Removed, dryRun.Changes.Unchanged));
        Assert.Equal([("", 10.0), ("Burglary", 4.0)], await Stored());

        var second = (await Store("second", [Figure(march, "", 12)])).Batch!;
        var refused = await Assert.ThrowsAsync<Domain.Requests.ConflictException>(() => Undo(first.Id));
        Assert.Equal($"import {second.Id} (test, second) changed the same figures after import {first.Id}: undo {second.Id} first", refused.Message);

        var undoSecond = (await Undo(second.Id)).Batch!;
        Assert.Equal([("", 10.0), ("Burglary", 4.0)], await Stored());
        Assert.Equal(second.Id, undoSecond.UndoesImportId);
        Assert.Equal(undoSecond.Id, (await imports.GetAsync(second.Id, default)).UndoneByImportId);

        var undoFirst = (await Undo(first.Id)).Batch!;
        Assert.Empty(await Stored());
        Assert.Empty(await observations.GetSeriesAsync("crime", "lpa", "", march.First, march.First, default));
        var again = await Assert.ThrowsAsync<Domain.Requests.ConflictException>(() => Undo(first.Id));
        Assert.Equal($"import {first.Id} was undone by import {undoFirst.Id}; undo {undoFirst.Id} to restore it", again.Message);

        await Undo(undoFirst.Id);
        Assert.Equal([("", 10.0), ("Burglary", 4.0)], await Stored());
        var shown = await imports.ChangesAsync(second, default);
        Assert.Equal((0, 1, 1), (shown.Added, shown.Changed, shown.Removed));
        Assert.Equal("analyst", (await imports.GetAsync(second.Id, default)).Subject);
    }

    [SkippableFact]
    public async Task ARetirementIsRefusedTwiceAndIsUndoneAndRedoneInOrder()
    {
        var database = Open();
        var (_, imports) = await Seeded(database);
        var catalogue = new CatalogueRepository(database);
        var who = new BatchDescription("retire", "retire crime", "", "analyst", TenOClock);
        Task<StoredChange> Undo(long id) => imports.UndoAsync(id, who with { Kind = "undo" }, false, TimeProvider.System, default);
        async Task<bool> Retired()
        {
            catalogue.Changed();
            return (await catalogue.GetMeasuresAsync(default)).Single().Retired;
        }

        var retired = (await imports.RetireAsync(RetiredSubject.Measure("crime"), who, false, TimeProvider.System, default)).Batch!;
        Assert.True(await Retired());
        Assert.Equal("", retired.ForceCode);
        await Assert.ThrowsAsync<Domain.Requests.ConflictException>(() => imports.RetireAsync(RetiredSubject.Measure("crime"), who, false, TimeProvider.System, default));
        await Assert.ThrowsAsync<Domain.Requests.NotFoundException>(() => imports.RetireAsync(RetiredSubject.Area("nowhere"), who, true, TimeProvider.System, default));

        var back = (await Undo(retired.Id)).Batch!;
        Assert.False(await Retired());
        var refused = await Assert.ThrowsAsync<Domain.Requests.ConflictException>(() => Undo(retired.Id));
        Assert.Equal($"import {retired.Id} was undone by import {back.Id}; undo {back.Id} to restore it", refused.Message);

        await Undo(back.Id);
        Assert.True(await Retired());
    }

    [SkippableFact]
    public async Task ABatchWithARequestIdRecordsItsAnswerWithItAndARepeatWritesNothingAndFindsThatAnswer()
    {
        var database = Open();
        var (observations, imports) = await Seeded(database);
        var requests = new RequestRepository(database);
        var scope = ReplaceScope.Product(["crime"], ["lpa"], [March]);
        var now = DateTimeOffset.UtcNow;
        BatchDescription Batch(double value) => new("test", $"value {value}", "force", "", now, 1, 0)
        {
            Request = new RepeatableRequest("analyst", "7d7c1f1e-4a51-4c43-9d43-39a5d9a0f0b1", () => [1, 2, 3], stored => [(byte)stored.Batch!.Id, (byte)value]),
        };

        var first = await imports.StoreAsync(Batch(10), scope, [Figure(March, "", 10)], versioned: true, dryRun: false, TimeProvider.System, default);
        var repeat = await Assert.ThrowsAsync<RequestAnsweredException>(() =>
            imports.StoreAsync(Batch(11), scope, [Figure(March, "", 11)], versioned: true, dryRun: false, TimeProvider.System, default));
        var found = await requests.FindAsync("analyst", "7d7c1f1e-4a51-4c43-9d43-39a5d9a0f0b1", now, default);
        var otherCaller = await requests.FindAsync("someone-else", "7d7c1f1e-4a51-4c43-9d43-39a5d9a0f0b1", now, default);
        var weekLater = await requests.FindAsync("analyst", "7d7c1f1e-4a51-4c43-9d43-39a5d9a0f0b1", now + RequestRepository.KeptFor + TimeSpan.FromMinutes(1), default);

        Assert.Equal([(byte)first.Batch!.Id, 10], repeat.Answered.Answer);
        Assert.Equal(first.Batch.Id, repeat.Answered.ImportId);
        Assert.Equal([1, 2, 3], found!.Digest);
        Assert.Null(otherCaller);
        Assert.Null(weekLater);
        Assert.Equal(10, Assert.Single(await observations.GetSeriesAsync("crime", "lpa", "", March.First, March.First, default)).Value);
        Assert.Equal(["value 10"], (await imports.ListAsync(10, default)).Select(b => b.Source));
    }

    private static Observation Figure(Period period, string breakdown, double value) =>
        new("crime", "lpa", period, breakdown, value, null, null);

    private static async Task<(ObservationRepository, ImportRepository)> Seeded(Database database)
    {
        var catalogue = new CatalogueRepository(database);
        await catalogue.UpsertAreasAsync([Force, Lpa], default);
        await catalogue.UpsertMeasuresAsync([Crime], default);
        var observations = new ObservationRepository(database);
        return (observations, new ImportRepository(database, observations, new RequestRepository(database)));
    }
}

public sealed class SqliteRepositoryTests : RepositoryContract
{
    protected override Database? CreateDatabase() => TestDatabases.Sqlite();
}

public sealed class SqlServerRepositoryTests : RepositoryContract
{
    protected override Database? CreateDatabase() => TestDatabases.SqlServer();
}
