using System.ComponentModel;
using Metrics.Console.Imports;
using Metrics.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Metrics.Console.Commands;

/// <summary>Options of the commands that report on a force's month.</summary>
public class MonthSettings : ServerSettings
{
    [CommandArgument(0, "<FORCE>")]
    [Description("Force code, e.g. west-mercia")]
    public string Force { get; init; } = "";

    [CommandArgument(1, "<MONTH>")]
    [Description("The month reported on, e.g. 2019-03")]
    public string Month { get; init; } = "";

    public YearMonth ParsedMonth => MonthText.TryParse(Month, out var month) ? month : throw new InvalidOperationException("validated");

    public override ValidationResult Validate() =>
        MonthText.TryParse(Month, out _) ? ValidationResult.Success() : ValidationResult.Error($"'{Month}' is not a month: write it 2019-03");
}
