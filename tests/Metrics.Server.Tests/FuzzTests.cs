using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Metrics.Contracts.V1;
using Metrics.Storage.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using Ops = Metrics.Domain.Operations;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>
/// 100,000 random and mutated requests over every RPC, events among them: no crash, no
/// INTERNAL or UNKNOWN (every refusal is a status that says what is wrong), nothing invalid
/// stored, and the server answers as before afterwards.
/// </summary>
[Collection(nameof(LoadTests))]
public sealed class FuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int Requests = 100_000;
    private const int Workers = 8;

    /// <summary>What a refused request may end with; anything else (INTERNAL, UNKNOWN, UNAVAILABLE, DEADLINE_EXCEEDED...) is a fault.</summary>
    private static readonly HashSet<StatusCode> Refusals =
        [StatusCode.InvalidArgument, StatusCode.NotFound, StatusCode.FailedPrecondition, StatusCode.OutOfRange, StatusCode.ResourceExhausted, StatusCode.AlreadyExists];

    // Eight writers on one SQLite file, on a two-core machine running the rest of the suite, can
    // wait longer than the default 10 s for the write lock (seen once: DefineForce UNAVAILABLE,
    // "the database file is locked"); how long a lock is waited for is DatabaseFaultTests' subject, not this one's.
    private readonly MetricsServerFactory _server = new() { Settings = { ["Storage:BusyTimeout"] = "00:01:00" } };

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task HundredThousandRandomAndMutatedRequestsBreakNothing()
    {
        var seed = TestSeed.From("METRICS_FUZZ_SEED");
        output.WriteLine($"seed {seed} (METRICS_FUZZ_SEED={seed} replays it)");
        var measures = _server.Measures();
        var catalogue = await measures.ListMeasuresAsync(new ListMeasuresRequest());
        var areas = await measures.ListAreasAsync(new ListAreasRequest());
        var known = catalogue.Measures.Select(m => m.Id).Concat(areas.Areas.Select(a => a.Code)).Concat(["metropolitan-police", "Burglary", "Theft & Handling"]).ToList();
        var summaryBefore = await SummaryAsync();
        var rpcs = V1.Protocol.Rpcs.ToDictionary(RawCalls.Name);
        var plan = Plan(rpcs);

        var faults = new List<string>();
        var outcomes = new Dictionary<string, int>();
        var events = 0;
        var inFlight = new string[Workers];
        var fuzzing = Parallel.ForAsync(0, Workers, async (worker, cancellationToken) =>
        {
            var random = new Random(seed + worker);
            var reads = new MessageFuzzer(random, known);
            var writes = new MessageFuzzer(random, ["fuzz-force", "fuzz-area", "fuzz_measure", "west mercia fuzz"]); // never a stored force, area or measure
            var calls = _server.CreateChannel().CreateCallInvoker();
            for (var i = worker; i < Requests; i += Workers)
            {
                var (name, build) = plan[random.Next(plan.Count)];
                var messages = build(random, new[] { "Define", "Import", "Delete", "Retire" }.Any(w => name.Contains(w, StringComparison.Ordinal)) ? writes : reads);
                var sent = messages.Sum(m => m.Events);
                inFlight[worker] = $"{name} {string.Join(" | ", messages.Select(m => m.Text))}";
                var (code, detail, reason) = await RawCalls.CallAsync(calls, rpcs[name], [.. messages.Select(m => m.Bytes)], TimeSpan.FromSeconds(30));
                lock (outcomes)
                {
                    events += sent;
                    var outcome = code?.ToString() ?? "OK";
                    outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                    if (code is { } refused && !Refusals.Contains(refused) && faults.Count < 20)
                    {
                        faults.Add($"{name} {refused}: {detail}; sent {string.Join(" | ", messages.Select(m => m.Text))}");
                    }

                    // Every refusal says why in a form a calling system can branch on (common.proto's ErrorReason).
                    if (code is { } withoutReason && reason is null && faults.Count < 20)
                    {
                        faults.Add($"{name} {withoutReason} without an ErrorInfo: {detail}; sent {string.Join(" | ", messages.Select(m => m.Text))}");
                    }
                }
            }

            inFlight[worker] = "";
        });
        if (await Task.WhenAny(fuzzing, Task.Delay(TimeSpan.FromMinutes(5))) != fuzzing)
        {
            Assert.Fail($"still waiting after 5 minutes on: {string.Join("\n", inFlight.Where(f => f.Length > 0))}");
        }

        await fuzzing;
        output.WriteLine($"{Requests} requests carrying {events} events: {string.Join(", ", outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}"))}");
        output.WriteLine(string.Join("\n", faults));
        Assert.Empty(faults);
        Assert.True(events >= 20_000, $"only {events} events were sent");

        // Still answering, and answering the same.
        var health = await new Health.HealthClient(_server.CreateChannel()).CheckAsync(new HealthCheckRequest());
        var march = await measures.GetSeriesAsync(new GetSeriesRequest
        {
            MeasureId = "total_recorded_crime",
            AreaCode = "west-mercia",
            Range = new MonthRange { First = new YearMonth { Year = 2019, Month = 3 }, Last = new YearMonth { Year = 2019, Month = 3 } },
        });
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Equal(7767, march.Points.Single().Value);
        Assert.Empty(summaryBefore.Except(await SummaryAsync())); // every row as it was
        var catalogueAfter = await measures.ListMeasuresAsync(new ListMeasuresRequest());
        Assert.Empty(catalogue.Measures.Except(catalogueAfter.Measures)); // every seeded definition as it was

        // Nothing invalid stored: every stored event is one the ingest path would accept (an area the fuzz retired since still counts).
        var areaCodes = (await measures.ListAreasAsync(new ListAreasRequest { IncludeRetired = true })).Areas.Select(a => a.Code).ToHashSet();
        var stored = await _server.Services.GetRequiredService<EventRepository>().ReadAfterAsync(0, CancellationToken.None).ToListAsync();
        var invalid = stored.Where(e => Invalid(e.Event, areaCodes, _server.Clock.GetUtcNow()) is not null).Select(e => $"{e.Event}: {Invalid(e.Event, areaCodes, _server.Clock.GetUtcNow())}").Take(10).ToList();
        output.WriteLine($"{stored.Count} events stored");
        Assert.Empty(invalid);
        Assert.Equal(stored.Count, stored.Select(e => (e.Event.Source, e.Event.EventId)).Distinct().Count());
    }

    /// <summary>The summary page's rows. (A measure the fuzz defined validly adds a row of its own, with no figures: the page lists every topic.)</summary>
    private async Task<List<string>> SummaryAsync()
    {
        var analytics = new V1.AnalyticsService.AnalyticsServiceClient(_server.CreateChannel());
        var summary = await analytics.GetPerformanceSummaryAsync(new GetPerformanceSummaryRequest { ForceCode = "west-mercia", Month = new YearMonth { Year = 2019, Month = 3 } });
        return [.. summary.Sections.SelectMany(section => section.Rows.Select(row => $"{section.Name}: {row}"))];
    }

    private static string? Invalid(Ops.OperationalEvent e, IReadOnlySet<string> areas, DateTimeOffset now) => e switch
    {
        _ when e.EventId.Length is 0 or > 100 => "id",
        _ when e.OccurredAt < new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero) || e.OccurredAt > now.AddMinutes(5) => "time",
        Ops.IncidentOpened o when !areas.Contains(o.AreaCode) || !System.Enum.IsDefined(o.Grade) || o.IncidentId.Length is 0 or > 100 => "incident",
        Ops.IntelligenceSubmitted s when (s.AreaCode.Length > 0 && !areas.Contains(s.AreaCode)) || s.ReportId.Length is 0 or > 100 => "intelligence",
        Ops.CallAnswered a when a.Wait < TimeSpan.Zero || a.Wait > TimeSpan.FromHours(24) || !System.Enum.IsDefined(a.Line) => "wait",
        Ops.CallAbandoned a when a.Wait < TimeSpan.Zero || a.Wait > TimeSpan.FromHours(24) || !System.Enum.IsDefined(a.Line) => "wait",
        Ops.CallOffered o when o.CallId.Length is 0 or > 100 || !System.Enum.IsDefined(o.Line) => "call",
        _ => null,
    };

    /// <summary>A message as sent; its text only when a fault is reported (some are not printable: lone surrogates).</summary>
    private sealed record Sent(byte[] Bytes, IMessage? Message, int Events)
    {
        public string Text
        {
            get
            {
                try
                {
                    var text = Message?.ToString() ?? "(corrupted bytes)";
                    return text.Length > 300 ? text[..300] + "…" : text;
                }
                catch (ArgumentException)
                {
                    return $"(unprintable {Message!.Descriptor.Name})";
                }
            }
        }
    }

    /// <summary>Each RPC with how to make its messages, repeated by weight: the cheap ones often, whole reports rarely.</summary>
    private static List<(string Name, Func<Random, MessageFuzzer, List<Sent>> Build)> Plan(Dictionary<string, MethodDescriptor> rpcs)
    {
        var march = new YearMonth { Year = 2019, Month = 3 };
        var range = new MonthRange { First = new YearMonth { Year = 2018, Month = 4 }, Last = march };
        var now = Timestamp.FromDateTimeOffset(MetricsServerFactory.Start.AddMinutes(-1));
        OperationalEvent[] validEvents =
        [
            new() { Source = "test-system", EventId = "e", OccurredAt = now, CallOffered = new V1.CallOffered { CallId = "c", Line = V1.CallLine._999 } },
            new() { Source = "test-system", EventId = "e", OccurredAt = now, CallAnswered = new V1.CallAnswered { CallId = "c", Line = V1.CallLine._101, Wait = Duration.FromTimeSpan(TimeSpan.FromSeconds(7)) } },
            new() { Source = "test-system", EventId = "e", OccurredAt = now, IncidentOpened = new V1.IncidentOpened { IncidentId = "i", AreaCode = "shropshire", Grade = V1.IncidentGrade.Emergency } },
            new() { Source = "test-system", EventId = "e", OccurredAt = now, IntelligenceSubmitted = new V1.IntelligenceSubmitted { ReportId = "r", AreaCode = "herefordshire" } },
        ];

        var plan = new List<(string, Func<Random, MessageFuzzer, List<Sent>>)>();
        void Add<T>(string name, int weight, T template)
            where T : IMessage<T> =>
            plan.AddRange(Enumerable.Repeat<(string, Func<Random, MessageFuzzer, List<Sent>>)>((name, (random, fuzz) => [One(random, fuzz, template)]), weight));

        Add("metrics.v1.MeasuresService/ListMeasures", 4, new ListMeasuresRequest());
        Add("metrics.v1.MeasuresService/ListAreas", 4, new ListAreasRequest { ForceCode = "west-mercia" });
        Add("metrics.v1.MeasuresService/GetSeries", 20, new GetSeriesRequest { MeasureId = "total_recorded_crime", AreaCode = "west-mercia", Range = range, Granularity = Granularity.Quarter });
        Add("metrics.v1.MeasuresService/GetAreaComparison", 8, new GetAreaComparisonRequest { ForceCode = "west-mercia", Month = march });
        Add("metrics.v1.MeasuresService/GetYearEndComparison", 6, new GetYearEndComparisonRequest { AreaCode = "west-mercia", FinancialYear = 2018 });
        Add("metrics.v1.MeasuresService/ListImports", 2, new ListImportsRequest { PageSize = 5 });
        Add("metrics.v1.MeasuresService/GetImport", 2, new GetImportRequest { ImportId = 1 });
        Add("metrics.v1.MeasuresService/Retire", 2, new RetireRequest { MeasureId = "fuzz_measure", DryRun = true });
        Add("metrics.v1.MeasuresService/DeleteFigures", 2, new DeleteFiguresRequest { ForceCode = "fuzz-force", MeasureId = "fuzz_measure", From = march, To = march });

        // An undo of a real batch would change stored figures, which this test checks are as they were:
        // ids no batch has, neither mutated nor corrupted (either could name one).
        plan.AddRange(Enumerable.Repeat<(string, Func<Random, MessageFuzzer, List<Sent>>)>(("metrics.v1.MeasuresService/UndoImport", (random, fuzz) =>
            {
                var undo = new UndoImportRequest { ImportId = random.Next(3) switch { 0 => 0, 1 => -random.NextInt64(1, long.MaxValue), _ => random.NextInt64(1_000_000, long.MaxValue) }, DryRun = random.Next(2) == 0 };
                return [new Sent(undo.ToByteArray(), undo, 0)];
            }
        ), 2));
        Add("metrics.v1.MeasuresService/DefineForce", 2, new DefineForceRequest { Force = new Area { Code = "fuzz-force", Name = "Fuzz", Kind = AreaKind.Force } });
        Add("metrics.v1.MeasuresService/DefineMeasures", 2, new DefineMeasuresRequest { Measures = { new Measure { Id = "fuzz_measure", Name = "Fuzz" } } });
        Add("metrics.v1.MeasuresService/DefineReportTemplate", 2, new DefineReportTemplateRequest
        {
            ForceCode = "fuzz-force",
            Topics = { new ReportTopic { Section = "Fuzz", Topic = "Fuzz", MeasureId = "fuzz_measure" } },
        });
        Add("metrics.v1.MeasuresService/GetReportTemplate", 2, new GetReportTemplateRequest { ForceCode = "west-mercia" });
        Add("metrics.v1.AnalyticsService/GetMeasureSummary", 8, new GetMeasureSummaryRequest { MeasureId = "total_recorded_crime", AreaCode = "west-mercia", Month = march });
        Add("metrics.v1.AnalyticsService/GetControlChart", 6, new GetControlChartRequest { MeasureId = "total_recorded_crime", AreaCode = "west-mercia", Range = range });
        Add("metrics.v1.AnalyticsService/GetProjection", 3, new GetProjectionRequest { MeasureId = "total_recorded_crime", AreaCode = "west-mercia", LastMonth = march });
        Add("metrics.v1.AnalyticsService/GetOutcomeRates", 4, new GetOutcomeRatesRequest { AreaCode = "west-mercia", Month = march });
        Add("metrics.v1.AnalyticsService/GetPerformanceSummary", 1, new GetPerformanceSummaryRequest { ForceCode = "west-mercia", Month = march, ChartMonths = 12 });
        Add("metrics.v1.LiveService/GetSnapshot", 6, new GetSnapshotRequest { AreaCodes = { "shropshire" } });
        Add("metrics.v1.LiveService/Subscribe", 2, new SubscribeRequest { Feeds = { LiveFeed.Incidents } });
        Add("metrics.v1.LiveService/RenewViewerToken", 1, new RenewViewerTokenRequest());

        // Batches of events, most of them mutated from valid ones.
        plan.AddRange(Enumerable.Repeat<(string, Func<Random, MessageFuzzer, List<Sent>>)>(("metrics.v1.IngestService/PublishBatch", (random, fuzz) =>
        {
            var batch = new PublishBatchRequest();
            batch.Events.Add(Enumerable.Range(0, random.Next(1, 12)).Select(_ => Event(random, fuzz)));
            return [One(random, fuzz, batch, mutate: false)];
        }
        ), 20));
        plan.AddRange(Enumerable.Repeat<(string, Func<Random, MessageFuzzer, List<Sent>>)>(("metrics.v1.IngestService/Publish", (random, fuzz) =>
            [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ =>
            {
                var batch = new PublishRequest();
                batch.Events.Add(Enumerable.Range(0, random.Next(1, 8)).Select(_ => Event(random, fuzz)));
                return One(random, fuzz, batch, mutate: false);
            })]), 4));

        // Streams of a header then rows, each mutated.
        plan.AddRange(Enumerable.Repeat<(string, Func<Random, MessageFuzzer, List<Sent>>)>(("metrics.v1.MeasuresService/ImportObservations", (random, fuzz) =>
            [
                One(random, fuzz, new ImportObservationsRequest { Header = new ObservationImportHeader { ForceCode = "fuzz-force", Source = "fuzz" } }),
                .. Enumerable.Range(0, random.Next(0, 4)).Select(_ => One(random, fuzz, new ImportObservationsRequest { Row = new ObservationRow { MeasureId = "fuzz_measure", Area = "fuzz-area", Month = march, Value = 1 } })),
            ]), 2));
        plan.AddRange(Enumerable.Repeat<(string, Func<Random, MessageFuzzer, List<Sent>>)>(("metrics.v1.MeasuresService/ImportStreetCrimes", (random, fuzz) =>
            [
                One(random, fuzz, new ImportStreetCrimesRequest { Header = new StreetCrimeImportHeader { ForceCode = "fuzz-force", Source = "fuzz", Months = { march } } }),
                .. Enumerable.Range(0, random.Next(0, 4)).Select(_ => One(random, fuzz, new ImportStreetCrimesRequest { Record = new StreetCrimeRecord { Month = march, FallsWithin = "Fuzz", CrimeType = "Robbery", LineNumber = 2 } })),
            ]), 2));

        var missing = rpcs.Keys.Except(plan.Select(p => p.Item1)).Except(["metrics.v1.AnalyticsService/GetReport"]).ToList();
        Assert.True(missing.Count == 0, $"not fuzzed: {string.Join(", ", missing)}");

        // A whole report is the slowest read there is: a few, not thousands.
        plan.Add(("metrics.v1.AnalyticsService/GetReport", (random, fuzz) => [One(random, fuzz, new GetReportRequest { ForceCode = random.Next(2) == 0 ? "fuzz-force" : "west mercia", Month = march })]));
        return plan;

        OperationalEvent Event(Random random, MessageFuzzer fuzz)
        {
            var e = validEvents[random.Next(validEvents.Length)].Clone();
            e.EventId = $"fuzz-{random.NextInt64()}";
            return random.Next(3) == 0 ? e : fuzz.Mutate(e);
        }
    }

    /// <summary>Mostly the template mutated; sometimes a message filled at random, or bytes that do not parse.</summary>
    private static Sent One<T>(Random random, MessageFuzzer fuzz, T template, bool mutate = true)
        where T : IMessage<T>
    {
        var events = template switch
        {
            PublishBatchRequest b => b.Events.Count,
            PublishRequest p => p.Events.Count,
            _ => 0,
        };
        var roll = random.Next(10);
        if (roll == 0)
        {
            return new Sent(fuzz.Corrupt(template), null, events);
        }

        IMessage message = roll == 1 ? fuzz.Fill(template.Descriptor) : mutate ? fuzz.Mutate(template) : template;
        return new Sent(message.ToByteArray(), message, events);
    }
}
