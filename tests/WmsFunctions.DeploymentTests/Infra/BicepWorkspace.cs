using System.Collections.Concurrent;
using System.Text.Json.Nodes;

[assembly: AssemblyFixture(typeof(WmsFunctions.DeploymentTests.Infra.BicepWorkspace))]

namespace WmsFunctions.DeploymentTests.Infra;

/// <summary>
/// A private copy of infra-bicep/ in a temporary folder (builds and snapshots write files next to their sources)
/// and every Bicep CLI run the tests need, each made once for the whole test run and shared: the CLI takes
/// about two seconds a call. At most two calls run at a time (the machine has two cores).
/// </summary>
public sealed class BicepWorkspace : IAsyncDisposable
{
    /// <summary>Fixed, fake deployment scope: the snapshot evaluates names and ids against it, offline.</summary>
    public const string SubscriptionId = "00000000-0000-0000-0000-0000000000aa";
    public const string ResourceGroup = "rg-wms-test";
    public const string Location = "westeurope";

    private readonly SemaphoreSlim _slots = new(2);
    private readonly CancellationTokenSource _disposed = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<CliResult>>> _runs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<DeploymentSnapshot>>> _snapshots = new(StringComparer.Ordinal);

    public BicepWorkspace()
    {
        Root = Directory.CreateTempSubdirectory("wms-bicep-").FullName;
        CopyDirectory(SourceDirectory, Root);
    }

    /// <summary>infra-bicep/ in the repository.</summary>
    public static string SourceDirectory { get; } = Path.Combine(BicepCli.RepositoryRoot, "infra-bicep");

    /// <summary>Every .bicep file, relative to infra-bicep/, for theories that run per file.</summary>
    public static TheoryData<string> BicepFiles() => Relative("*.bicep");

    /// <summary>Every .bicepparam file, relative to infra-bicep/.</summary>
    public static TheoryData<string> ParamFiles() => Relative("*.bicepparam");

    /// <summary>The copy the CLI works on.</summary>
    public string Root { get; }

    /// <summary><c>bicep build</c> of every .bicep file in one call.</summary>
    public Task<CliResult> BuildAllAsync(CancellationToken cancellationToken) =>
        RunOnceAsync(["build", "--pattern", "**/*.bicep"], cancellationToken);

    /// <summary><c>bicep lint</c> of every .bicep file in one call: one process instead of one per file (each
    /// start costs more than the linting). The CLI exits 1 exactly when some file has an error-level
    /// diagnostic, so a file without one is a file whose own <c>bicep lint</c> exits 0.</summary>
    public Task<CliResult> LintAllAsync(CancellationToken cancellationToken) =>
        RunOnceAsync(["lint", "--pattern", "**/*.bicep"], cancellationToken);

    public Task<CliResult> BuildParamsAsync(string paramFile, CancellationToken cancellationToken) =>
        RunOnceAsync(["build-params", paramFile, "--stdout"], cancellationToken);

    /// <summary>main.bicep compiled to ARM JSON (by <see cref="BuildAllAsync"/>).</summary>
    public async Task<JsonObject> CompiledMainAsync(CancellationToken cancellationToken)
    {
        var result = await BuildAllAsync(cancellationToken).ConfigureAwait(false);
        Assert.True(result.ExitCode == 0, result.Describe());
        return JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Root, "main.json"), cancellationToken).ConfigureAwait(false))!.AsObject();
    }

    /// <summary>
    /// What a deployment of main.bicep with this parameter file would create: <c>bicep snapshot</c> expands the
    /// compiled template with the ARM template engine (modules, loops, conditions, names, scopes) offline.
    /// Values known only after deployment (reference(), e.g. principal ids) stay as expressions.
    /// </summary>
    public Task<DeploymentSnapshot> SnapshotAsync(string paramFile, CancellationToken cancellationToken) =>
        _snapshots.GetOrAdd(paramFile, file => new Lazy<Task<DeploymentSnapshot>>(() => CreateSnapshotAsync(file)))
            .Value.WaitAsync(cancellationToken);

    /// <summary>A snapshot with an extra parameter file written into the copy, e.g. dev plus some parameter.</summary>
    public Task<DeploymentSnapshot> SnapshotAsync(string name, string bicepparamText, CancellationToken cancellationToken)
    {
        var file = name + ".bicepparam";
        return _snapshots.GetOrAdd(file, _ => new Lazy<Task<DeploymentSnapshot>>(() =>
        {
            File.WriteAllText(Path.Combine(Root, file), bicepparamText);
            return CreateSnapshotAsync(file);
        })).Value.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync().ConfigureAwait(false);
        foreach (var run in _runs.Values.Where(r => r.IsValueCreated))
        {
            try
            {
                await run.Value.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // the run was stopped because the test run ended
            }
        }

        _disposed.Dispose();
        _slots.Dispose();
        Directory.Delete(Root, recursive: true);
    }

    private async Task<DeploymentSnapshot> CreateSnapshotAsync(string paramFile)
    {
        var result = await RunOnceAsync(
            ["snapshot", paramFile, "--mode", "overwrite", "--subscription-id", SubscriptionId, "--resource-group", ResourceGroup, "--location", Location],
            CancellationToken.None).ConfigureAwait(false);
        Assert.True(result.ExitCode == 0, result.Describe());
        var path = Path.Combine(Root, Path.ChangeExtension(paramFile, ".snapshot.json"));
        return DeploymentSnapshot.Parse(paramFile, await File.ReadAllTextAsync(path, _disposed.Token).ConfigureAwait(false));
    }

    private Task<CliResult> RunOnceAsync(string[] arguments, CancellationToken cancellationToken) =>
        _runs.GetOrAdd(string.Join('\u0001', arguments), _ => new Lazy<Task<CliResult>>(() => RunAsync(arguments)))
            .Value.WaitAsync(cancellationToken);

    private async Task<CliResult> RunAsync(string[] arguments)
    {
        await _slots.WaitAsync(_disposed.Token).ConfigureAwait(false);
        try
        {
            return await BicepCli.RunAsync(Root, arguments, _disposed.Token).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    private static TheoryData<string> Relative(string pattern)
    {
        var files = Directory.EnumerateFiles(SourceDirectory, pattern, SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(SourceDirectory, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
        return new TheoryData<string>(files);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
