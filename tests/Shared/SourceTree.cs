namespace Podium.Tests;

/// <summary>The repository the tests were built from (shared by every test project that reads its sources).</summary>
public static class SourceTree
{
    /// <summary>The repository's root: the folder above the tests' output that holds Podium.slnx.</summary>
    public static string Root
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Podium.slnx")))
                {
                    return folder.FullName;
                }
            }

            throw new InvalidOperationException("no Podium.slnx above " + AppContext.BaseDirectory);
        }
    }
}
