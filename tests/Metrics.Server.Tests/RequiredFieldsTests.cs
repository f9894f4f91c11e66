using Google.Api;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Metrics.Contracts.V1;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>
/// The protos declare which fields a request needs ((google.api.field_behavior) = REQUIRED), so
/// that another force's system knows without reading comments: every one so declared is needed
/// by the server, which refuses a request without it as INVALID_ARGUMENT naming its path. (An
/// event's required fields are refused per event, in its RejectedEvent: LiveIngestTests.)
/// </summary>
public sealed class RequiredFieldsTests(MetricsServerFactory server) : IClassFixture<MetricsServerFactory>
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create<byte[]>(b => b, b => b);

    [Fact]
    public async Task EveryFieldDeclaredRequiredIsRefusedWhenLeftOutNamingItsPath()
    {
        var templates = await TemplatesAsync();
        // PublishBatch refuses an event, not the batch: its required fields are RejectedEvent's subject.
        var unary = V1.Protocol.Rpcs.Where(r => !r.IsClientStreaming && !r.IsServerStreaming && r.Name != "PublishBatch").ToList();
        var withoutTemplate = unary.Where(r => RequiredPaths(r.InputType, "").Any() && !templates.ContainsKey(r.Name)).Select(r => r.Name).ToList();
        Assert.Empty(withoutTemplate);

        var checkedPaths = new List<string>();
        var wrong = new List<string>();
        foreach (var rpc in unary.Where(r => templates.ContainsKey(r.Name)))
        {
            var template = templates[rpc.Name];
            // The template is a valid request (a projection of two months is refused, but for its history).
            Assert.NotEqual(StatusCode.InvalidArgument, (await CallAsync(rpc, template))?.StatusCode);
            foreach (var (path, clear) in RequiredPaths(rpc.InputType, ""))
            {
                var request = template.Descriptor.Parser.ParseFrom(template.ToByteArray());
                clear(request);
                var refused = await CallAsync(rpc, request);
                checkedPaths.Add($"{rpc.Name}: {path}");
                var fields = refused?.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>()?.FieldViolations.Select(v => v.Field).ToList() ?? [];
                if (refused?.StatusCode != StatusCode.InvalidArgument || !fields.Contains(path))
                {
                    wrong.Add($"{rpc.Name} without {path}: {refused?.StatusCode.ToString() ?? "OK"} {refused?.Status.Detail} [{string.Join(", ", fields)}]");
                }
            }
        }

        // And the other way: a field the server says "is required" of is declared so.
        foreach (var rpc in unary.Where(r => templates.ContainsKey(r.Name)))
        {
            var required = RequiredPaths(rpc.InputType, "").Select(p => p.Path).ToHashSet();
            foreach (var field in rpc.InputType.Fields.InDeclarationOrder().Where(f => !required.Contains(f.Name)))
            {
                var request = templates[rpc.Name].Descriptor.Parser.ParseFrom(templates[rpc.Name].ToByteArray());
                field.Accessor.Clear(request);
                var refused = await CallAsync(rpc, request);
                var violations = refused?.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>()?.FieldViolations ?? [];
                if (violations.Any(v => v.Field == field.Name && v.Description == "is required"))
                {
                    wrong.Add($"{rpc.Name}.{field.Name} is required by the server but not declared REQUIRED");
                }
            }
        }

        Assert.Empty(wrong);
        Assert.Contains("DefineMeasures: measures[0].reporting_rule", checkedPaths);
        Assert.Contains("GetSeries: measure_id", checkedPaths);
        Assert.True(checkedPaths.Count >= 35, string.Join("\n", checkedPaths));
    }

    [Fact]
    public void WhatTheServerSetsIsDeclaredOutputOnly()
    {
        Assert.Equal([FieldBehavior.OutputOnly], Behaviour(Measure.Descriptor.FindFieldByName("retired")));
        Assert.Equal([FieldBehavior.OutputOnly], Behaviour(Area.Descriptor.FindFieldByName("retired")));
        Assert.Equal([FieldBehavior.Required], Behaviour(OperationalEvent.Descriptor.FindFieldByName("source")));
    }

    /// <summary>The REQUIRED fields of a message, and of the messages it holds that are set (a repeated one's first), by path.</summary>
    private static IEnumerable<(string Path, Action<IMessage> Clear)> RequiredPaths(MessageDescriptor message, string prefix)
    {
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            if (Behaviour(field).Contains(FieldBehavior.Required))
            {
                yield return ($"{prefix}{field.Name}", m => field.Accessor.Clear(m));
            }

            if (field.FieldType == FieldType.Message && field.MessageType.FullName.StartsWith("metrics.v1.", StringComparison.Ordinal))
            {
                var (path, child) = field.IsRepeated ? ($"{prefix}{field.Name}[0].", (Func<IMessage, IMessage?>)(m => ((System.Collections.IList)field.Accessor.GetValue(m)) is { Count: > 0 } list ? (IMessage)list[0]! : null))
                    : ($"{prefix}{field.Name}.", m => (IMessage?)field.Accessor.GetValue(m));
                foreach (var (inner, clear) in RequiredPaths(field.MessageType, path))
                {
                    yield return (inner, m =>
                    {
                        if (child(m) is { } set)
                        {
                            clear(set);
                        }
                    }
                    );
                }
            }
        }
    }

    private static IReadOnlyList<FieldBehavior> Behaviour(FieldDescriptor field) =>
        field.GetOptions()?.GetExtension(FieldBehaviorExtensions.FieldBehavior) is { } behaviours ? [.. behaviours] : [];

    private async Task<RpcException?> CallAsync(MethodDescriptor rpc, IMessage request)
    {
        var method = new Method<byte[], byte[]>(MethodType.Unary, rpc.Service.FullName, rpc.Name, Bytes, Bytes);
        try
        {
            await server.CreateChannel().CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)), request.ToByteArray());
            return null;
        }
        catch (RpcException e)
        {
            return e;
        }
    }

    /// <summary>A valid request for each RPC, changing nothing (definitions, deletions and undos as dry runs).</summary>
    private async Task<Dictionary<string, IMessage>> TemplatesAsync()
    {
        var march = new YearMonth { Year = 2019, Month = 3 };
        var measures = server.Measures();
        var areas = (await measures.ListAreasAsync(new ListAreasRequest { ForceCode = "west-mercia" })).Areas;
        var robbery = (await measures.ListMeasuresAsync(new ListMeasuresRequest())).Measures.Single(m => m.Id == "robbery");
        var import = (await measures.ListImportsAsync(new ListImportsRequest { PageSize = 1 })).Imports.Single();
        return new Dictionary<string, IMessage>
        {
            ["GetSeries"] = new GetSeriesRequest { MeasureId = "total_recorded_crime", AreaCode = "west-mercia" },
            ["GetAreaComparison"] = new GetAreaComparisonRequest { ForceCode = "west-mercia", Month = march },
            ["GetYearEndComparison"] = new GetYearEndComparisonRequest { AreaCode = "west-mercia", FinancialYear = 2018 },
            ["DefineForce"] = new DefineForceRequest { Force = areas[0], Areas = { areas.Skip(1) }, DryRun = true },
            ["DefineMeasures"] = new DefineMeasuresRequest { Measures = { robbery }, DryRun = true },
            ["DefineReportTemplate"] = new DefineReportTemplateRequest
            {
                ForceCode = "west-mercia",
                Topics = { new ReportTopic { Section = "Crime", Topic = "Robbery", MeasureId = "robbery", Noun = "offences" } },
                DryRun = true,
            },
            ["GetReportTemplate"] = new GetReportTemplateRequest { ForceCode = "west-mercia" },
            ["GetImport"] = new GetImportRequest { ImportId = import.ImportId },
            ["UndoImport"] = new UndoImportRequest { ImportId = import.ImportId, DryRun = true },
            ["DeleteFigures"] = new DeleteFiguresRequest { ForceCode = "west-mercia", MeasureId = "robbery", From = march, To = march, DryRun = true },
            ["GetMeasureSummary"] = new GetMeasureSummaryRequest { MeasureId = "total_recorded_crime", AreaCode = "west-mercia", Month = march },
            ["GetControlChart"] = new GetControlChartRequest { MeasureId = "total_recorded_crime", AreaCode = "west-mercia" },
            ["GetProjection"] = new GetProjectionRequest { MeasureId = "total_recorded_crime", AreaCode = "west-mercia", LastMonth = march },
            ["GetPerformanceSummary"] = new GetPerformanceSummaryRequest { ForceCode = "west-mercia", Month = march },
            ["GetOutcomeRates"] = new GetOutcomeRatesRequest { AreaCode = "west-mercia", Month = march },
            ["GetReport"] = new GetReportRequest { ForceCode = "west-mercia", Month = march },
        };
    }
}
