namespace Metrics.Storage;

/// <summary>
/// The data directory holds police data, the signing key and tokens: it and everything in it are
/// its owner's alone (0700 folders, 0600 files), created so from the start rather than changed
/// after, so that no other account on the machine can read them even for a moment.
/// </summary>
public static class OwnerOnlyFiles
{
    private const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, Folder);
        }
    }

    /// <summary>Creates the file empty if it does not exist (SQLite then gives its journal files the same mode).</summary>
    public static void CreateFile(string path)
    {
        try
        {
            using var stream = Open(path, FileMode.CreateNew);
        }
        catch (IOException) when (System.IO.File.Exists(path))
        {
        }
    }

    /// <summary>Writes the whole file, owner-only however it was before.</summary>
    public static void WriteAllText(string path, string text)
    {
        using (var stream = Open(path, FileMode.Create))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
        }

        if (!OperatingSystem.IsWindows())
        {
            System.IO.File.SetUnixFileMode(path, File);
        }
    }

    /// <summary>Opens a file for writing that, if this creates it, only its owner can read.</summary>
    public static FileStream Open(string path, FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = File;
        }

        return new FileStream(path, options);
    }

    /// <summary>
    /// Takes group and other access away from the folder and everything under it (a data
    /// directory made by an earlier version, or copied in): the paths it changed.
    /// </summary>
    public static IReadOnlyList<string> Tighten(string folder)
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(folder))
        {
            return [];
        }

        var changed = new List<string>();
        foreach (var path in Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Prepend(folder))
        {
            var mode = System.IO.File.GetUnixFileMode(path);
            if ((mode & GroupOrOther) != 0)
            {
                System.IO.File.SetUnixFileMode(path, mode & ~GroupOrOther);
                changed.Add(path);
            }
        }

        return changed;
    }
}
