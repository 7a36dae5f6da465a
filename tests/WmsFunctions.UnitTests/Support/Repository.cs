namespace WmsFunctions.UnitTests.Support;

/// <summary>The repository the tests run from (found by its solution file), for tests that read its sources.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>Every C# source of the core (build output left out), with its path relative to shared/Core in '/' form.</summary>
    public static IEnumerable<(string File, string Text)> CoreSources()
    {
        var core = Path.Combine(Root, "shared", "Core");
        return Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(core, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(file => !file.StartsWith("bin/", StringComparison.Ordinal) && !file.StartsWith("obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(file => (file, File.ReadAllText(Path.Combine(core, file))));
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WmsFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("WmsFunctions.sln not found");
    }
}
