namespace Metrics.Tests.Shared;

/// <summary>Folders of the repository a test writes to or runs tools from.</summary>
public static class RepositoryFolders
{
    public static string Root
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Metrics.sln")))
                {
                    return folder.FullName;
                }
            }

            throw new DirectoryNotFoundException("Metrics.sln not found above the test folder");
        }
    }

    /// <summary>Where tests keep what a person may want to look at afterwards (screenshots, rendered reports).</summary>
    public static string Artifacts(string name)
    {
        var folder = Path.Combine(Root, "artifacts", name);
        Directory.CreateDirectory(folder);
        return folder;
    }
}
