using Metrics.Contracts.V1;

namespace Metrics.Server.Tests;

/// <summary>The terminal wallboard names areas as the wall does, and says which row is force-wide.</summary>
public sealed class WallboardTests
{
    [Fact]
    public void AreasAreShownByNameAndTheForceWideRowSaysSo()
    {
        var board = new Metrics.Console.Watch.Wallboard(15) { AreaNames = new Dictionary<string, string> { ["telford-and-wrekin"] = "Telford & Wrekin" } };
        var snapshot = new LiveSnapshot();
        snapshot.Figures.Add(new LiveFigure { Key = "unresourced/telford-and-wrekin/priority", Unresourced = new UnresourcedFigure { AreaCode = "telford-and-wrekin", Grade = IncidentGrade.Priority, Count = 3, Tolerance = 30 } });
        snapshot.Figures.Add(new LiveFigure { Key = "unresourced/force/priority", Unresourced = new UnresourcedFigure { Grade = IncidentGrade.Priority, Count = 7, Tolerance = 150 } });
        snapshot.Figures.Add(new LiveFigure { Key = "unresourced/atlantis/priority", Unresourced = new UnresourcedFigure { AreaCode = "atlantis", Grade = IncidentGrade.Priority, Count = 1, Tolerance = 30 } });
        board.Apply(new SubscribeResponse { Sequence = 1, Snapshot = snapshot }, DateTimeOffset.Now);
        var written = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Out = new Spectre.Console.AnsiConsoleOutput(written),
            Ansi = Spectre.Console.AnsiSupport.No,
            ColorSystem = Spectre.Console.ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 200;

        console.Write(board.Render(DateTimeOffset.Now));

        var text = written.ToString();
        Assert.Contains("Telford & Wrekin", text, StringComparison.Ordinal);
        Assert.DoesNotContain("telford-and-wrekin", text, StringComparison.Ordinal);
        Assert.Contains("Force-wide", text, StringComparison.Ordinal);
        Assert.Contains("atlantis", text, StringComparison.Ordinal); // a code the catalogue does not name is shown as it is
    }
}
