namespace Metrics.Tests.Shared;

/// <summary>Where the shared real data is: ../shared beside the repository (as CI lays it out too).</summary>
public static class SharedData
{
    public static string PathOf(params string[] parts)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Metrics.sln")))
            {
                return Path.Combine([folder.Parent!.FullName, "shared", .. parts]);
            }
        }

        throw new DirectoryNotFoundException("Metrics.sln not found above the test folder");
    }
}
