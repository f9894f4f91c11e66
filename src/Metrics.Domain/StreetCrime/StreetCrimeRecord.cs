using Metrics.Domain.Calendar;

namespace Metrics.Domain.StreetCrime;

/// <summary>One row of a police.uk street-level archive, as the force published it.</summary>
public sealed record StreetCrimeRecord(
    long LineNumber,
    string CrimeId,
    YearMonth Month,
    string FallsWithin,
    string LsoaCode,
    string LsoaName,
    string CrimeType,
    string LastOutcomeCategory)
{
    public const string AntiSocialBehaviour = "Anti-social behaviour";

    /// <summary>The month of the file the record came from, as its name says; null when not known.</summary>
    public YearMonth? FileMonth { get; init; }

    /// <summary>ASB rows are incidents, not crimes: they have no Crime ID and are never recorded crime.</summary>
    public bool IsAntiSocialBehaviour => string.Equals(CrimeType, AntiSocialBehaviour, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The local authority district of the record: "LSOA name" is "&lt;district&gt; &lt;code&gt;",
    /// e.g. "Telford and Wrekin 012A". Empty when the record has no location.
    /// </summary>
    public string District
    {
        get
        {
            var name = LsoaName.Trim();
            var space = name.LastIndexOf(' ');
            return space > 0 ? name[..space].TrimEnd() : string.Empty;
        }
    }
}
