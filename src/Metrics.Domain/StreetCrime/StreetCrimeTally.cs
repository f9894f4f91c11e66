using Metrics.Domain.Calendar;
using Metrics.Domain.Catalogue;
using Metrics.Domain.Observations;

namespace Metrics.Domain.StreetCrime;

/// <summary>A record that cannot be counted: the field at fault (as the import protocol names it), and why.</summary>
public sealed record RecordProblem(string Field, string Reason);

/// <summary>
/// Counts police.uk street-level records into monthly figures per police.uk crime type, per
/// area and for the force. Anti-social behaviour is its own measure. A record with no
/// location, or in a district outside every area of the force, counts for the force only,
/// and is counted as unplaced so that nothing is dropped silently.
/// </summary>
public sealed class StreetCrimeTally(ForceAreas force)
{
    public const string RecordedCrimeMeasureId = "police_uk_recorded_crime";
    public const string AntiSocialBehaviourMeasureId = "police_uk_anti_social_behaviour";

    /// <summary>The measures a street-level import fills, and so replaces.</summary>
    public static readonly IReadOnlyList<string> MeasureIds = [RecordedCrimeMeasureId, AntiSocialBehaviourMeasureId];

    private readonly Dictionary<(YearMonth Month, string AreaCode, string CrimeType), long> crimes = [];
    private readonly Dictionary<(YearMonth Month, string AreaCode), long> antiSocialBehaviour = [];
    private readonly SortedSet<string> crimeTypes = new(StringComparer.Ordinal);
    private readonly SortedSet<YearMonth> months = [];

    public long Crimes { get; private set; }

    public long AntiSocialBehaviourIncidents { get; private set; }

    public long UnplacedNoLocation { get; private set; }

    public long UnplacedOutsideAreas { get; private set; }

    public long OtherForce { get; private set; }

    public IReadOnlyCollection<YearMonth> Months => months;

    /// <summary>Counts a record, or says which field keeps it from being counted, and why.</summary>
    public RecordProblem? Add(StreetCrimeRecord record)
    {
        if (string.IsNullOrWhiteSpace(record.CrimeType))
        {
            return new("crime_type", "Crime type is empty");
        }

        if (!record.IsAntiSocialBehaviour && string.IsNullOrWhiteSpace(record.CrimeId))
        {
            return new("crime_id", $"Crime ID is empty for a crime of type '{Requests.Quoted.Text(record.CrimeType)}'");
        }

        if (!string.IsNullOrWhiteSpace(record.FallsWithin)
            && !force.Force.IsFiledUnder(record.FallsWithin))
        {
            OtherForce++;
            return new("falls_within", $"Falls within '{Requests.Quoted.Text(record.FallsWithin)}', not {force.Force.Name}");
        }

        var area = Place(record);
        months.Add(record.Month);
        var crimeType = record.CrimeType.Trim();
        foreach (var areaCode in area is null ? [force.Force.Code] : new[] { force.Force.Code, area.Code })
        {
            if (record.IsAntiSocialBehaviour)
            {
                antiSocialBehaviour[(record.Month, areaCode)] = antiSocialBehaviour.GetValueOrDefault((record.Month, areaCode)) + 1;
            }
            else
            {
                crimes[(record.Month, areaCode, crimeType)] = crimes.GetValueOrDefault((record.Month, areaCode, crimeType)) + 1;
            }
        }

        if (record.IsAntiSocialBehaviour)
        {
            AntiSocialBehaviourIncidents++;
        }
        else
        {
            crimeTypes.Add(crimeType);
            Crimes++;
        }

        return null;
    }

    private AreaDefinition? Place(StreetCrimeRecord record)
    {
        var district = record.District;
        if (string.IsNullOrWhiteSpace(record.LsoaCode) || district.Length == 0)
        {
            UnplacedNoLocation++;
            return null;
        }

        var area = force.FindByDistrict(district);
        if (area is null)
        {
            UnplacedOutsideAreas++;
        }

        return area;
    }

    /// <summary>
    /// Every figure for the months counted, zeros included: police.uk publishes every record,
    /// so a crime type with no records in an area that month is a true zero.
    /// </summary>
    public IEnumerable<Observation> Observations()
    {
        var areaCodes = AreaCodes;
        foreach (var month in months)
        {
            var period = Period.Month(month);
            foreach (var areaCode in areaCodes)
            {
                long total = 0;
                foreach (var crimeType in crimeTypes)
                {
                    var count = crimes.GetValueOrDefault((month, areaCode, crimeType));
                    total += count;
                    yield return new Observation(RecordedCrimeMeasureId, areaCode, period, crimeType, count, null, null);
                }

                yield return new Observation(RecordedCrimeMeasureId, areaCode, period, Breakdowns.Total, total, null, null);
                yield return new Observation(
                    AntiSocialBehaviourMeasureId, areaCode, period, Breakdowns.Total, antiSocialBehaviour.GetValueOrDefault((month, areaCode)), null, null);
            }
        }
    }

    /// <summary>The areas whose figures an import of these records fills and replaces: the force and every area with districts.</summary>
    public IReadOnlyList<string> AreaCodes =>
        [.. force.Areas.Where(a => a.Districts.Count > 0).Select(a => a.Code).Prepend(force.Force.Code)];
}
