using Metrics.Domain.Catalogue;
using Metrics.Domain.Requests;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Grpc.Measures;

/// <summary>Between the domain's report templates and metrics.v1's ReportTemplate and ReportTopic.</summary>
internal static class TemplateMapping
{
    public static ReportTopicDefinition ToDomain(this V1.ReportTopic topic, string field) => new(
        topic.Section,
        topic.Topic,
        topic.MeasureId,
        topic.Breakdown,
        topic.Noun,
        topic.Inclusion == V1.ReportingRule.Unspecified ? null
        : Enum.IsDefined((ReportingRule)(int)topic.Inclusion) ? (ReportingRule)(int)topic.Inclusion
        : throw new InvalidFieldException($"{field}.inclusion", $"{(int)topic.Inclusion} is not a reporting rule"));

    public static V1.ReportTemplate ToContract(this ReportTemplate template)
    {
        var message = new V1.ReportTemplate { ForceCode = template.ForceCode, Generated = template.Generated };
        message.Topics.Add(template.Topics.Select(t => new V1.ReportTopic
        {
            Section = t.Section,
            Topic = t.Topic,
            MeasureId = t.MeasureId,
            Breakdown = t.Breakdown,
            Noun = t.Noun,
            Inclusion = t.Inclusion is { } rule ? (V1.ReportingRule)(int)rule : V1.ReportingRule.Unspecified,
        }));
        return message;
    }
}
