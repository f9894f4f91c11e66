using System.Globalization;

namespace Metrics.Server.Tests;

/// <summary>A random test's seed: new each run and printed, or the one a variable names, to replay a failure exactly.</summary>
internal static class TestSeed
{
    public static int From(string variable) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : Environment.TickCount;
}
