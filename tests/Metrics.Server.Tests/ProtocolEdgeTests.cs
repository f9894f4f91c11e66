using Google.Protobuf.Reflection;
using V1 = Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>
/// The protocol stays at the edge: generated types are used in the server's Grpc/ folder and
/// nowhere behind it (queries and commands take and return domain types), and never by the pure
/// libraries; where the edge converts an enum by its number, the pair agree name by name.
/// </summary>
public sealed class ProtocolEdgeTests
{
    [Fact]
    public void NothingInTheServerOutsideGrpcUsesTheProtocol()
    {
        var server = Path.Combine(RepositoryFolders.Root, "src", "Metrics.Server");
        var speaking = Directory.EnumerateFiles(server, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(server, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("Grpc/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal) && !f.StartsWith("bin/", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(Path.Combine(server, f)).Contains("Metrics.Contracts", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

        Assert.Empty(speaking);
    }

    [Theory]
    [InlineData(typeof(Metrics.Domain.Calendar.YearMonth))]
    [InlineData(typeof(Metrics.Analytics.Spc.Assurance))]
    [InlineData(typeof(Metrics.Live.Alerts.AlertKind))]
    [InlineData(typeof(Metrics.Storage.StoredText))]
    public void ThePureLibrariesNeverReferenceTheProtocol(Type fromLibrary)
    {
        var references = fromLibrary.Assembly.GetReferencedAssemblies().Select(a => a.Name);

        Assert.DoesNotContain(typeof(V1.Measure).Assembly.GetName().Name, references);
        Assert.DoesNotContain("Google.Protobuf", references);
        Assert.DoesNotContain("Grpc.Core.Api", references);
    }

    /// <summary>Where the edge converts an enum by its number, the two enums must agree on every name and number.</summary>
    [Theory]
    [InlineData(typeof(V1.Unit), typeof(Metrics.Domain.Catalogue.MeasureUnit))]
    [InlineData(typeof(V1.Polarity), typeof(Metrics.Domain.Catalogue.Polarity))]
    [InlineData(typeof(V1.ReportingRule), typeof(Metrics.Domain.Catalogue.ReportingRule))]
    [InlineData(typeof(V1.RateBase), typeof(Metrics.Domain.Catalogue.RateBase))]
    [InlineData(typeof(V1.AreaKind), typeof(Metrics.Domain.Catalogue.AreaKind))]
    [InlineData(typeof(V1.IncidentGrade), typeof(Metrics.Domain.Operations.IncidentGrade))]
    [InlineData(typeof(V1.AlertKind), typeof(Metrics.Live.Alerts.AlertKind))]
    [InlineData(typeof(V1.LiveFeed), typeof(Metrics.Live.Subscriptions.LiveFeedKind))]
    [InlineData(typeof(V1.Assurance), typeof(Metrics.Analytics.Spc.Assurance))]
    public void EnumsConvertedByNumberAgreeOnEveryNameAndNumber(Type protocol, Type domain)
    {
        var protocolValues = Enum.GetValues(protocol).Cast<Enum>()
            .Where(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture) != 0 || protocol == typeof(V1.Assurance))
            .ToDictionary(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture), v => Words(OriginalName(protocol, v), protocol));
        var domainValues = Enum.GetValues(domain).Cast<Enum>()
            .ToDictionary(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture), v => v.ToString().ToUpperInvariant());

        // The one deliberate difference: "no assurance" is the protocol's unspecified value.
        if (domain == typeof(Metrics.Analytics.Spc.Assurance))
        {
            protocolValues[0] = "NONE";
        }

        Assert.Equal(domainValues.OrderBy(p => p.Key), protocolValues.OrderBy(p => p.Key));
    }

    private static string OriginalName(Type protocol, Enum value) =>
        protocol.GetField(value.ToString())!.GetCustomAttributes(typeof(OriginalNameAttribute), false).Cast<OriginalNameAttribute>().Single().Name;

    /// <summary>POLARITY_UP_IS_GOOD as the domain writes it without case: UPISGOOD.</summary>
    private static string Words(string originalName, Type protocol)
    {
        var prefix = string.Concat(protocol.Name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant() + "_";
        return originalName[prefix.Length..].Replace("_", "", StringComparison.Ordinal);
    }
}
