using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace WmsFunctions.DeploymentTests.Infra;

/// <summary>
/// The Bicep CLI that restore put in the NuGet packages folder (PackageDownload in the csproj), run as a child
/// process. Nothing is installed by hand: a fresh machine gets the same CLI from <c>dotnet restore</c>.
/// </summary>
public static partial class BicepCli
{
    private static readonly Lazy<string> Executable = new(Locate);

    /// <summary>The repository this test assembly was built from.</summary>
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    public static string ExecutablePath => Executable.Value;

    public static async Task<CliResult> RunAsync(string workingDirectory, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The Bicep CLI did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new CliResult("bicep " + string.Join(' ', arguments), process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    private static string Locate()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            throw new PlatformNotSupportedException("The deployment tests use the linux-x64 Bicep CLI package.");
        }

        var path = Path.Combine(Metadata("NuGetPackageRoot"), "azure.bicep.commandline.linux-x64", Metadata("BicepCliVersion"), "tools", "bicep");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The Bicep CLI is not at {path}: run 'dotnet restore' (the csproj downloads it).", path);
        }

        // A package extract does not always keep the executable bit.
        var mode = File.GetUnixFileMode(path);
        const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(path, mode | execute);
        }

        return path;
    }

    private static string Metadata(string key) =>
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"Assembly metadata '{key}' is missing: see WmsFunctions.DeploymentTests.csproj.");

    [GeneratedRegex(@"^(?<file>.+?)\((?<line>\d+),(?<column>\d+)\) : (?<level>Error|Warning|Info) (?<code>[^:]+): (?<message>.*)$", RegexOptions.Multiline)]
    internal static partial Regex DiagnosticLine();
}

/// <summary>A diagnostic as the CLI prints it: <c>file(line,col) : Level code: message</c>.</summary>
public sealed record BicepDiagnostic(string File, int Line, int Column, string Level, string Code, string Message)
{
    public bool IsError => Level == "Error";

    public override string ToString() => $"{Path.GetFileName(File)}({Line},{Column}) {Level} {Code}: {Message}";
}

public sealed record CliResult(string Command, int ExitCode, string StdOut, string StdErr)
{
    public IReadOnlyList<BicepDiagnostic> Diagnostics { get; } = Parse(StdErr + "\n" + StdOut);

    /// <summary>The diagnostics for one file, by full path.</summary>
    public IReadOnlyList<BicepDiagnostic> DiagnosticsFor(string file) =>
        Diagnostics.Where(d => string.Equals(Path.GetFullPath(d.File), Path.GetFullPath(file), StringComparison.Ordinal)).Distinct().ToList();

    /// <summary>What a failing assertion should show: the command, its exit code and everything it printed.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine($"{Command} exited {ExitCode}");
        if (StdErr.Length > 0)
        {
            text.AppendLine(StdErr.Trim());
        }

        if (StdOut.Length > 0 && StdOut.Length < 4000)
        {
            text.AppendLine(StdOut.Trim());
        }

        return text.ToString();
    }

    private static List<BicepDiagnostic> Parse(string text) =>
        BicepCli.DiagnosticLine().Matches(text)
            .Select(m => new BicepDiagnostic(
                m.Groups["file"].Value.Trim(),
                int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(m.Groups["column"].Value, System.Globalization.CultureInfo.InvariantCulture),
                m.Groups["level"].Value,
                m.Groups["code"].Value.Trim(),
                m.Groups["message"].Value.Trim()))
            .ToList();
}
