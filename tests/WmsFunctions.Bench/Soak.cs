using WmsFunctions.IntegrationTests.Faults;
using WmsFunctions.IntegrationTests.Faults.Support;

namespace WmsFunctions.Bench;

/// <summary>
/// ./bench.sh --soak: the fault-injection suite's scenarios (tests/WmsFunctions.IntegrationTests/Faults, compiled
/// into the bench) at <see cref="FaultScale.Soak"/>: 5,000-event storms, outages of minutes. Each scenario starts
/// its own Azurite and handler processes (the bench's Azurite is not used). Prints one row of counts per scenario
/// and the verdict; exits 1 if any scenario lost, doubled or failed to publish anything.
/// --soak-only TEXT runs the scenarios whose name contains TEXT.
/// </summary>
internal static class Soak
{
    public static async Task<int> RunAsync(string[] args)
    {
        var only = args.SkipWhile(a => a != "--soak-only").Skip(1).FirstOrDefault();
        var results = new List<FaultFigures>();
        foreach (var (name, run) in FaultScenarios.All.Where(s => only is null || s.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
        {
            Console.WriteLine($"[soak] {name}...");
            FaultFigures figures;
            try
            {
                figures = await run(FaultScale.Soak, CancellationToken.None);
            }
            catch (Exception error) when (error is InvalidOperationException or HttpRequestException or Azure.RequestFailedException or TimeoutException)
            {
                Console.WriteLine($"[soak] {name}: could not run: {error.Message}");
                return 1;
            }

            Console.WriteLine(figures);
            figures.Record();
            results.Add(figures);
        }

        Console.WriteLine();
        Console.WriteLine(FaultFigures.Header);
        Console.WriteLine(new string('-', FaultFigures.Header.Length));
        foreach (var figures in results)
        {
            Console.WriteLine(figures.Row);
        }

        Console.WriteLine();
        Console.WriteLine("deliv: deliveries with duplicates; tries: requests with retries; twice: applied twice; pub/ids: CloudEvents published / distinct ids");
        Console.WriteLine("(for the WMS scenario: pick slips the WMS accepted / distinct message ids); repub: same id again; unpub: acknowledged, never published;");
        Console.WriteLine("poison: left poisoned or dead-lettered; recovery: from the end of the fault to the last effect reaching the OMS (or WMS).");
        foreach (var figures in results)
        {
            Console.WriteLine($"{figures.Scenario}: {figures.Verdict}");
        }

        return results.All(r => r.Holds) ? 0 : 1;
    }
}
