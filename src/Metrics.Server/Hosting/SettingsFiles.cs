using Microsoft.Extensions.Configuration.Json;

namespace Metrics.Server.Hosting;

/// <summary>
/// Says at start which settings files the server read and which it looked for and did not find,
/// so that an operator who started it from a unit file or a script sees what it is running with.
/// </summary>
internal static partial class SettingsFiles
{
    public static void Report(IConfiguration configuration, ILogger logger)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return;
        }

        var read = new List<string>();
        var absent = new List<string>();
        foreach (var source in root.Providers.OfType<JsonConfigurationProvider>().Select(p => p.Source))
        {
            var file = source.FileProvider?.GetFileInfo(source.Path ?? "");
            var path = file?.PhysicalPath ?? source.Path ?? "";
            (file?.Exists == true ? read : absent).Add(path);
        }

        Read(logger, read.Count == 0 ? "none" : string.Join(", ", read), absent.Count == 0 ? "none" : string.Join(", ", absent));
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Settings read from {Read} (then environment variables and the command line); not present: {Absent}")]
    private static partial void Read(ILogger logger, string read, string absent);
}
