namespace Metrics.Live.Windows;

/// <summary>Live figures for the whole force, not one area, carry this area code.</summary>
public static class ForceWide
{
    public const string AreaCode = "";
}
