using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace WmsFunctions.DeploymentTests.Infra;

/// <summary>Every Bicep file builds and passes the strict linter; every parameter file builds.</summary>
public sealed partial class BicepFileTests(BicepWorkspace workspace)
{
    [Theory]
    [MemberData(nameof(BicepWorkspace.BicepFiles), MemberType = typeof(BicepWorkspace))]
    public async Task Build_BicepFile_HasNoErrors(string file)
    {
        var result = await workspace.BuildAllAsync(TestContext.Current.CancellationToken);

        var diagnostics = result.DiagnosticsFor(Path.Combine(workspace.Root, file));
        Assert.True(diagnostics.All(d => !d.IsError), $"{file}:\n{string.Join('\n', diagnostics)}\n\n{result.Describe()}");
        Assert.True(File.Exists(Path.Combine(workspace.Root, Path.ChangeExtension(file, ".json"))), $"{file} produced no ARM template.\n{result.Describe()}");
        foreach (var warning in diagnostics)
        {
            TestContext.Current.SendDiagnosticMessage("{0}", warning.ToString());
        }
    }

    [Fact]
    public async Task Build_AllBicepFiles_ExitsZero()
    {
        var result = await workspace.BuildAllAsync(TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.Describe());
    }

    [Theory]
    [MemberData(nameof(BicepWorkspace.BicepFiles), MemberType = typeof(BicepWorkspace))]
    public async Task Lint_BicepFile_HasNoErrorUnderStrictConfig(string file)
    {
        var result = await workspace.LintAllAsync(TestContext.Current.CancellationToken);

        var diagnostics = result.DiagnosticsFor(Path.Combine(workspace.Root, file));
        Assert.True(diagnostics.All(d => !d.IsError), $"{file}:\n{string.Join('\n', diagnostics)}");
        foreach (var warning in diagnostics)
        {
            TestContext.Current.SendDiagnosticMessage("{0}", warning.ToString());
        }
    }

    [Fact]
    public async Task Lint_AllBicepFiles_ExitsZero()
    {
        var result = await workspace.LintAllAsync(TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
    }

    [Theory]
    [MemberData(nameof(BicepWorkspace.ParamFiles), MemberType = typeof(BicepWorkspace))]
    public async Task BuildParams_ParamFile_Succeeds(string file)
    {
        var result = await workspace.BuildParamsAsync(file, TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.Describe());
        var output = JsonNode.Parse(result.StdOut)!;
        var parameters = JsonNode.Parse((string)output["parametersJson"]!)!["parameters"]!.AsObject();
        Assert.False(string.IsNullOrEmpty((string?)parameters["environmentName"]?["value"]), "environmentName is required.");
        Assert.NotNull(JsonNode.Parse((string)output["templateJson"]!)?["resources"]);
    }

    [Fact]
    public void Modules_EveryModuleReference_IsALocalFile()
    {
        // Registry modules (br:, ts:) cannot be restored offline, and a local module is reviewed with the code.
        var problems = new List<string>();
        foreach (var file in Directory.EnumerateFiles(BicepWorkspace.SourceDirectory, "*.bicep", SearchOption.AllDirectories))
        {
            foreach (Match module in ModuleReference().Matches(File.ReadAllText(file)))
            {
                var path = module.Groups["path"].Value;
                if (path.Contains(':', StringComparison.Ordinal) || !File.Exists(Path.Combine(Path.GetDirectoryName(file)!, path)))
                {
                    problems.Add($"{Path.GetFileName(file)}: module '{path}' is not a local file.");
                }
            }
        }

        Assert.Empty(problems);
        Assert.True(Directory.EnumerateFiles(Path.Combine(BicepWorkspace.SourceDirectory, "modules"), "*.bicep").Count() >= 6);
    }

    [Fact]
    public void BicepConfig_SecurityAndHygieneRules_AreErrors()
    {
        using var config = JsonDocument.Parse(
            File.ReadAllText(Path.Combine(BicepWorkspace.SourceDirectory, "bicepconfig.json")),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var rules = config.RootElement.GetProperty("analyzers").GetProperty("core").GetProperty("rules");
        string Level(string rule) => rules.TryGetProperty(rule, out var value) ? value.GetProperty("level").GetString() ?? "" : "(default)";

        string[] mustBeErrors =
        [
            "secure-parameter-default", "secure-params-in-nested-deploy", "secure-secrets-in-params", "outputs-should-not-contain-secrets",
            "use-secure-value-for-secure-inputs", "protect-commandtoexecute-secrets", "no-hardcoded-env-urls", "no-hardcoded-location",
            "no-unused-params", "no-unused-vars", "no-unused-existing-resources", "use-resource-symbol-reference", "use-stable-resource-identifiers",
        ];
        Assert.All(mustBeErrors, rule => Assert.True(Level(rule) == "error", $"{rule} is '{Level(rule)}', expected 'error'."));
        // Judged against the machine clock: the same file would pass today and fail next year.
        Assert.Equal("off", Level("use-recent-api-versions"));
    }

    [GeneratedRegex(@"^\s*module\s+\w+\s+'(?<path>[^']+)'", RegexOptions.Multiline)]
    private static partial Regex ModuleReference();
}
