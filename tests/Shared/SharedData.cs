namespace Metrics.Tests.Shared;

/// <summary>Where the shared real data is: ../shared beside the repository (as CI lays it out too).</summary>
public static class SharedData
{
    public static string PathOf(params string[] parts) =>
        Path.Combine([Directory.GetParent(RepositoryFolders.Root)!.FullName, "shared", .. parts]);
}
