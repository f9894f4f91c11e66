namespace Metrics.Live.Simulation;

/// <summary>
/// The demo publisher's rates, calibrated to the March 2019 report: about 11,700 999 calls and
/// 39,400 101 calls a month, abandon rates near 1.2% and 17%, about 4,100 emergency
/// incidents a month, hundreds of intelligence submissions a week, and unresourced incidents
/// in the tens per area.
/// </summary>
public sealed record DemoCalibration
{
    public double Calls999PerHour { get; init; } = 11_700 / (30.4 * 24);

    public double Calls101PerHour { get; init; } = 39_400 / (30.4 * 24);

    /// <summary>Mean wait before a 999 answer: about 95% inside 10 seconds.</summary>
    public TimeSpan Wait999 { get; init; } = TimeSpan.FromSeconds(3.5);

    /// <summary>Mean wait before a 101 answer: a long tail, below the 80%-in-30-seconds standard.</summary>
    public TimeSpan Wait101 { get; init; } = TimeSpan.FromSeconds(28);

    public double Abandon999 { get; init; } = 0.012;

    public double Abandon101 { get; init; } = 0.17;

    public double EmergencyIncidentsPerHour { get; init; } = 4_100 / (30.4 * 24);

    public double PriorityIncidentsPerHour { get; init; } = 20;

    public double ScheduledIncidentsPerHour { get; init; } = 8;

    /// <summary>Mean time to assign a unit, per grade: emergency minutes, priority and scheduled hours.</summary>
    public TimeSpan ResourceEmergency { get; init; } = TimeSpan.FromMinutes(4);

    public TimeSpan ResourcePriority { get; init; } = TimeSpan.FromHours(2.5);

    public TimeSpan ResourceScheduled { get; init; } = TimeSpan.FromHours(5);

    /// <summary>Mean travel once resourced, emergency: most arrive inside 20 minutes.</summary>
    public TimeSpan TravelEmergency { get; init; } = TimeSpan.FromMinutes(9);

    public double IntelligencePerHour { get; init; } = 420 / (7.0 * 24);

    /// <summary>
    /// Mean working time before a report is processed: the intelligence bureau works through its
    /// queue in office hours (<see cref="BureauOpens"/> to <see cref="BureauCloses"/>, every day),
    /// so reports come in around the clock and are processed through the day, as the report's
    /// weekly submitted / processed / outstanding figures describe.
    /// </summary>
    public TimeSpan ProcessIntelligence { get; init; } = TimeSpan.FromHours(10);

    public TimeSpan BureauOpens { get; init; } = TimeSpan.FromHours(8);

    public TimeSpan BureauCloses { get; init; } = TimeSpan.FromHours(20);

    /// <summary>Demand by hour of the day (local), mean 1: quiet before dawn, busy in the evening.</summary>
    public IReadOnlyList<double> ByHourOfDay { get; init; } =
        [0.75, 0.6, 0.5, 0.42, 0.38, 0.4, 0.55, 0.8, 1.0, 1.1, 1.15, 1.2, 1.2, 1.2, 1.2, 1.25, 1.3, 1.35, 1.35, 1.3, 1.25, 1.15, 1.05, 0.9];

    /// <summary>Demand by day of the week (Sunday first), mean 1: Friday and Saturday busiest.</summary>
    public IReadOnlyList<double> ByDayOfWeek { get; init; } = [0.95, 0.95, 0.95, 0.97, 1.0, 1.09, 1.09];
}
